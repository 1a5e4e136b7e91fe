import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LayersModel, Tensor2D } from '@tensorflow/tfjs';

import { imageBatch, range } from '../../activities/images';
import { buildCandidate } from '../../activities/model';
import { stageFeatures } from '../../activities/stage-features';
import { tf } from '../../activities/tf';
import { tinyImages } from './tiny-images';

function shapesOf(model: LayersModel, size: number, channels: number, count: number) {
  const images = tinyImages(count, size, channels);
  return stageFeatures(model, images).map(({ layer, rows, cols, values }) => {
    assert.equal(values.length, rows * cols);
    return { layer, rows, cols };
  });
}

test('pools 28x28x1 stages 28, 14, 7 with window 7 into 256, 128 and 64 features', () => {
  const model = buildCandidate({ inputShape: [28, 28, 1], classes: 10, depths: [1, 1, 1] });
  assert.deepEqual(shapesOf(model, 28, 1, 5), [
    { layer: 'stage1_out', rows: 5, cols: 4 * 4 * 16 },
    { layer: 'stage2_out', rows: 5, cols: 2 * 2 * 32 },
    { layer: 'stage3_out', rows: 5, cols: 64 },
  ]);
  model.dispose();
});

test('pools 32x32x3 stages 32, 16, 8 with window 8 into 256, 128 and 64 features', () => {
  const model = buildCandidate({ inputShape: [32, 32, 3], classes: 10, depths: [2, 1, 1] });
  assert.deepEqual(shapesOf(model, 32, 3, 4), [
    { layer: 'stage1_out', rows: 4, cols: 256 },
    { layer: 'stage2_out', rows: 4, cols: 128 },
    { layer: 'stage3_out', rows: 4, cols: 64 },
  ]);
  model.dispose();
});

test('gives the last stage exactly the globally pooled features the classifier sees', () => {
  const model = buildCandidate({ inputShape: [8, 8, 1], classes: 3, depths: [1, 2], seed: 2 });
  const images = tinyImages(7, 8, 1);
  const last = stageFeatures(model, images)[1];

  const pooler = tf.model({
    inputs: model.inputs,
    outputs: model.getLayer('pool').output as never,
  });
  const x = imageBatch(images, range(0, 7));
  const expected = (pooler.predict(x) as Tensor2D).dataSync();
  assert.equal(last.cols, 32);
  last.values.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-5));
  tf.dispose(x);
  model.dispose();
});

test('returns the same features for any batch size and for a tensor input', () => {
  const model = buildCandidate({ inputShape: [8, 8, 1], classes: 3, depths: [1, 1], seed: 4 });
  const images = tinyImages(11, 8, 1);
  const baseline = tf.memory().numTensors;

  const whole = stageFeatures(model, images);
  const batched = stageFeatures(model, images, { batchSize: 4 });
  const x = imageBatch(images, range(0, 11));
  const fromTensor = stageFeatures(model, x, { batchSize: 3 });
  x.dispose();

  assert.equal(tf.memory().numTensors, baseline);
  for (const other of [batched, fromTensor]) {
    other.forEach((stage, s) => {
      stage.values.forEach((value, i) => assert.ok(Math.abs(value - whole[s].values[i]) < 1e-5));
    });
  }
  model.dispose();
});
