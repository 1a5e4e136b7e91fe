import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';

import { enableFusedTraining } from '../../activities/fused-ops';
import { buildCandidate } from '../../activities/model';
import { tf } from '../../activities/tf';
import { trainCandidate, type TrainingConfig } from '../../activities/trainer';
import { tinyImages } from './tiny-images';

const native = tf.getBackend() === 'tensorflow';
const skipOnJs = native ? false : 'the fused kernels exist only on the native backend';
const RELATIVE_TOLERANCE = 1e-4;

const train = tinyImages(48, 8, 3, 4);
const data = { classes: 3, train };
const config: TrainingConfig = {
  epochs: 1,
  batchSize: 48, // one step over all images
  learningRate: { initial: 0.1, decay: 'constant' },
  augmentation: { crop: 1, flip: true },
  seed: 9,
};

const tinyModel = () =>
  buildCandidate({ inputShape: [8, 8, 3], classes: 3, depths: [1, 2], seed: 11 });

/** Largest |a - b| / (max |b| over the tensor), so near-zero entries do not dominate. */
function relativeError(a: Tensor, b: Tensor): number {
  const diff = a.sub(b).abs().max().dataSync()[0];
  const scale = Math.max(b.abs().max().dataSync()[0], 1e-12);
  return diff / scale;
}

function assertSameWeights(fused: LayersModel, plain: LayersModel): void {
  const plainWeights = plain.weights;
  fused.weights.forEach((weight, i) => {
    const error = relativeError(weight.read(), plainWeights[i].read());
    assert.ok(error < RELATIVE_TOLERANCE, `${weight.name} differs by ${error}`);
  });
}

test('fuses every batch-norm and ReLU layer of a candidate once', { skip: skipOnJs }, () => {
  const model = tinyModel();
  const fusable = model.layers.filter((layer) =>
    ['BatchNormalization', 'ReLU'].includes(layer.getClassName()),
  );
  assert.equal(enableFusedTraining(model), fusable.length);
  assert.equal(enableFusedTraining(model), 0);
  model.dispose();
});

/** Gradients of a batch's mean log-probability of class 0 w.r.t. the trainable weights. */
function gradients(model: LayersModel, x: Tensor): Tensor[] {
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  const { grads } = tf.variableGrads(() => {
    const probs = model.apply(x, { training: true }) as Tensor;
    return probs.slice([0, 0], [-1, 1]).log().mean() as Scalar;
  }, variables);
  return variables.map((variable) => grads[variable.name]);
}

test('computes the same gradients as the plain ops', { skip: skipOnJs }, () => {
  const [fused, plain] = [tinyModel(), tinyModel()];
  enableFusedTraining(fused);
  const x = tf.randomNormal([6, 8, 8, 3], 0, 1, 'float32', 5);

  const [fusedGrads, plainGrads] = [gradients(fused, x), gradients(plain, x)];
  fused.trainableWeights.forEach((weight, i) => {
    const error = relativeError(fusedGrads[i], plainGrads[i]);
    assert.ok(error < RELATIVE_TOLERANCE, `gradient of ${weight.name} differs by ${error}`);
  });
  tf.dispose([x, ...fusedGrads, ...plainGrads]);
  fused.dispose();
  plain.dispose();
});

test(
  'trains one step to the same loss, weights and moving statistics as the plain ops',
  {
    skip: skipOnJs,
  },
  async () => {
    const [fused, plain] = [tinyModel(), tinyModel()];
    const [fusedRun] = await trainCandidate(fused, data, { ...config, fusedKernels: true });
    const [plainRun] = await trainCandidate(plain, data, { ...config, fusedKernels: false });

    assert.ok(Math.abs(fusedRun.loss - plainRun.loss) <= RELATIVE_TOLERANCE * plainRun.loss);
    assert.equal(fusedRun.accuracy, plainRun.accuracy);
    assertSameWeights(fused, plain);
    const movingMean = fused.getLayer('stem_bn').getWeights()[2];
    assert.ok(movingMean.abs().sum().dataSync()[0] > 0, 'the moving mean was updated');
    tf.dispose([fused, plain].flatMap((model) => model.weights.map((w) => w.read())));
  },
);

test('predicts with the moving statistics after fused training', { skip: skipOnJs }, async () => {
  const model = tinyModel();
  await trainCandidate(model, data, config);
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 3);

  const layer = model.getLayer('stem_bn');
  const [gamma, beta, mean, variance] = layer.getWeights();
  const stemConv = model.getLayer('stem_conv').apply(x) as Tensor;
  const expected = stemConv.sub(mean).div(variance.add(1e-3).sqrt()).mul(gamma).add(beta);
  const actual = layer.apply(stemConv, { training: false }) as Tensor;
  assert.ok(relativeError(actual, expected) < RELATIVE_TOLERANCE);
  tf.dispose([x, stemConv, expected, actual]);
  model.dispose();
});

test(
  'saves a fused-trained model that loads as plain layers in another process',
  {
    skip: skipOnJs,
  },
  async () => {
    const model = tinyModel();
    await trainCandidate(model, data, config);
    const dir = mkdtempSync(join(tmpdir(), 'swnas-fused-'));
    try {
      await model.save(`file://${dir}`);
      const x = tf.tensor4d(train.pixels.slice(0, 8 * 8 * 3), [1, 8, 8, 3], 'float32');
      const expected = (model.predict(x) as Tensor).dataSync();
      const script = `
      const tf = require('@tensorflow/tfjs-node');
      tf.loadLayersModel('file://${dir}/model.json').then((m) => {
        const x = tf.tensor4d([${train.pixels.slice(0, 8 * 8 * 3).join(',')}], [1, 8, 8, 3]);
        console.log(JSON.stringify(Array.from(m.predict(x).dataSync())));
      });`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.equal(child.status, 0, child.stderr);
      const loaded = JSON.parse(child.stdout.trim().split('\n').pop() as string) as number[];
      loaded.forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-5));
      x.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.dispose();
    }
  },
);

test('leaves models unchanged on the pure-JS backend', () => {
  const modelPath = JSON.stringify(join(__dirname, '../../activities/model'));
  const fusedOpsPath = JSON.stringify(join(__dirname, '../../activities/fused-ops'));
  const script = `
    const { buildCandidate } = require(${modelPath});
    const { enableFusedTraining } = require(${fusedOpsPath});
    const model = buildCandidate({ inputShape: [8, 8, 1], classes: 3, depths: [1] });
    console.log(enableFusedTraining(model));`;
  const env = { ...process.env, SWNAS_BACKEND: 'cpu' };
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), '0');
});
