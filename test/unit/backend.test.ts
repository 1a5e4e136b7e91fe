import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { describeBackend, INSTALL_COMMAND, tf } from '../../activities/tf';
import type { Rank, Scalar } from '@tensorflow/tfjs';

const TF_MODULE = path.join(__dirname, '../../activities/tf.js');

/** Deterministic values in [-1, 1] so both backends see identical inputs. */
function wave(size: number, phase: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + phase));
}

/** Runs matMul and conv2d on the current backend and returns their values. */
function matMulAndConv(): { product: Float32Array; conv: Float32Array } {
  return tf.tidy(() => {
    const a = tf.tensor2d(wave(6 * 5, 0), [6, 5]);
    const b = tf.tensor2d(wave(5 * 4, 1), [5, 4]);
    const image = tf.tensor4d(wave(2 * 8 * 8 * 3, 2), [2, 8, 8, 3]); // [batch, h, w, c]
    const kernel = tf.tensor4d(wave(3 * 3 * 3 * 4, 3), [3, 3, 3, 4]); // [kh, kw, in, out]
    return {
      product: tf.matMul(a, b).dataSync() as Float32Array,
      conv: tf.conv2d(image, kernel, 1, 'same').dataSync() as Float32Array,
    };
  });
}

function assertClose(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  const worst = Math.max(...actual.map((value, i) => Math.abs(value - expected[i])));
  assert.ok(worst < 1e-4, `${label}: native and pure-JS differ by up to ${worst}`);
}

/** Loads activities/tf in a fresh node process with the given environment. */
function loadInChild(env: Record<string, string>, prelude = '') {
  const script = `${prelude}
    const { describeBackend } = require(${JSON.stringify(TF_MODULE)});
    console.log(JSON.stringify(describeBackend()));`;
  const child = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

test('runs on the native TensorFlow backend by default', () => {
  assert.equal(
    tf.getBackend(),
    'tensorflow',
    `expected the native backend, got ${tf.getBackend()} ` +
      `(SWNAS_BACKEND=${process.env.SWNAS_BACKEND ?? ''}); run \`${INSTALL_COMMAND}\``,
  );

  const description = describeBackend();
  assert.equal(description.package, '@tensorflow/tfjs-node');
  assert.match(description.tfVersion, /^2\.\d+\.\d+/);
  assert.ok(description.devices.includes('CPU'));
});

test('matMul and conv2d on the native backend agree with the pure-JS backend', async () => {
  const native = matMulAndConv();

  assert.ok(await tf.setBackend('cpu'));
  let pureJs: ReturnType<typeof matMulAndConv>;
  try {
    assert.equal(tf.getBackend(), 'cpu');
    pureJs = matMulAndConv();
  } finally {
    await tf.setBackend('tensorflow');
  }

  assertClose(native.product, pureJs.product, 'matMul');
  assertClose(native.conv, pureJs.conv, 'conv2d');
});

test('keeps the tensor count stable across repeated tidy training steps', () => {
  const kernel = tf.variable(tf.randomNormal<Rank.R4>([3, 3, 3, 8], 0, 0.1)); // [kh, kw, in, out]
  const dense = tf.variable(tf.randomNormal<Rank.R2>([8, 10], 0, 0.1));
  const images = tf.randomNormal<Rank.R4>([16, 8, 8, 3]); // [batch, h, w, c]
  const classes = Int32Array.from({ length: 16 }, (_, i) => i % 10);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(classes, 'int32'), 10)); // [batch, 10]
  const optimizer = tf.train.adam(0.01);

  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(() => {
        const features = tf.relu(tf.conv2d(images, kernel, 1, 'same')).mean([1, 2]); // [b, 8]
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(features, dense)) as Scalar;
      });
    });

  step(); // Adam creates its moment slots on the first step.
  const afterFirstStep = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) step();
  assert.equal(tf.memory().numTensors, afterFirstStep);

  optimizer.dispose();
  tf.dispose([kernel, dense, images, labels]);
});

test('rejects an unknown SWNAS_BACKEND with the list of choices', () => {
  const child = loadInChild({ SWNAS_BACKEND: 'tpu' });

  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /UnknownBackendError/);
  assert.match(child.stderr, /SWNAS_BACKEND=tpu .*auto, tensorflow-gpu, tensorflow, cpu/);
});

test('refuses tensorflow-gpu without a visible GPU and names the install command', () => {
  const child = loadInChild({ SWNAS_BACKEND: 'tensorflow-gpu', CUDA_VISIBLE_DEVICES: '-1' });

  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /BackendUnavailableError/);
  assert.ok(child.stderr.includes(INSTALL_COMMAND), child.stderr);
});

test('names the install command when the native library cannot be loaded', () => {
  // Stands in for a machine where libtensorflow.so.2 or the addon was never built.
  const prelude = `
    const Module = require('node:module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (request === '@tensorflow/tfjs-node') {
        throw new Error('libtensorflow.so.2: cannot open shared object file');
      }
      return load.call(this, request, ...rest);
    };`;
  const child = loadInChild({ SWNAS_BACKEND: 'tensorflow' }, prelude);

  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /BackendUnavailableError: cannot load @tensorflow\/tfjs-node/);
  assert.ok(child.stderr.includes(INSTALL_COMMAND), child.stderr);
});

test('falls back to pure JS only when SWNAS_BACKEND=cpu, with a warning on stderr', () => {
  const child = loadInChild({ SWNAS_BACKEND: 'cpu' });

  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stderr, /SWNAS_BACKEND=cpu uses pure-JS/);
  assert.deepEqual(JSON.parse(child.stdout), {
    backend: 'cpu',
    tfVersion: tf.version.tfjs,
    devices: ['CPU'],
    package: '@tensorflow/tfjs',
  });
});
