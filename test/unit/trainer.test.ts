import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { io, LayersModel, Tensor } from '@tensorflow/tfjs';

import { imageBatch, InvalidImages } from '../../activities/images';
import { learningRateAt, resolveSchedule } from '../../activities/lr-schedule';
import { buildCandidate } from '../../activities/model';
import { tf } from '../../activities/tf';
import {
  createOptimizer,
  disposeOptimizer,
  evaluate,
  exportOptimizerState,
  importOptimizerState,
  NonFiniteLoss,
  trainCandidate,
  TrainingCancelled,
  type TrainingConfig,
} from '../../activities/trainer';
import { tinyImages } from './tiny-images';

const train = tinyImages(192, 8, 1, 1);
const validation = tinyImages(96, 8, 1, 2);
const data = { classes: 3, train, validation };
const config: TrainingConfig = {
  epochs: 3,
  batchSize: 32,
  learningRate: { initial: 0.05, decay: 'constant' },
  augmentation: { crop: 1, flip: true },
  seed: 3,
};

const tinyModel = () =>
  buildCandidate({ inputShape: [8, 8, 1], classes: 3, depths: [1, 1], seed: 5 });

test(
  'lowers the loss and beats chance ' + 'on three generated classes within three epochs',
  async () => {
    const model = tinyModel();
    const history = await trainCandidate(model, data, config);
    assert.equal(history.length, 3);
    assert.ok(history[2].loss < history[0].loss, JSON.stringify(history));
    assert.ok((history[2].valAccuracy ?? 0) > 0.6, JSON.stringify(history));

    const tested = await evaluate(model, validation, validation.labels, 50);
    assert.ok(Math.abs(tested.accuracy - (history[2].valAccuracy ?? 0)) < 1e-9);
    model.dispose();
  },
);

test('stops within one batch of the abort signal with TrainingCancelled', async () => {
  const model = tinyModel();
  const controller = new AbortController();
  let batchesAfterAbort = 0;
  const run = trainCandidate(model, data, config, {
    signal: controller.signal,
    onBatchEnd: ({ batch }) => {
      if (controller.signal.aborted) batchesAfterAbort += 1;
      // Aborted from the event loop, as a Temporal cancellation arrives.
      if (batch === 2) setImmediate(() => controller.abort(new Error('user cancel')));
    },
  });
  await assert.rejects(run, TrainingCancelled);
  assert.ok(batchesAfterAbort <= 1, `${batchesAfterAbort} batches ran after the abort`);
  model.dispose();
});

test('fails with NonFiniteLoss when the loss turns NaN', async () => {
  const model = tinyModel();
  const broken = { ...train, std: [1e-45] }; // 1 / std overflows to Infinity
  await assert.rejects(trainCandidate(model, { classes: 3, train: broken }, config), NonFiniteLoss);
  model.dispose();
});

test('rejects labels outside the class range and images of the wrong shape', async () => {
  const model = tinyModel();
  const badLabels = { ...train, labels: train.labels.map((label) => label + 1) };
  await assert.rejects(
    trainCandidate(model, { classes: 3, train: badLabels }, config),
    InvalidImages,
  );
  const wrongShape = tinyImages(12, 12, 1);
  await assert.rejects(trainCandidate(model, { classes: 3, train: wrongShape }, config), /12x12x1/);
  model.dispose();
});

test('predicts the same after a save and load round trip', async () => {
  const model = tinyModel();
  await trainCandidate(model, data, { ...config, epochs: 1 });
  let saved: io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as io.ModelArtifacts));

  const x = imageBatch(validation, [0, 1, 2, 3, 4]);
  const [before, after] = [model, loaded].map((m) => (m.predict(x) as Tensor).arraySync());
  assert.deepEqual(after, before);
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
});

function copyWeights(from: LayersModel, to: LayersModel): void {
  const weights = from.getWeights().map((w) => w.clone());
  to.setWeights(weights);
  tf.dispose(weights);
}

test('resuming from an epoch checkpoint reproduces the uninterrupted run', async () => {
  const straight = tinyModel();
  await trainCandidate(straight, data, { ...config, epochs: 2 });

  const first = tinyModel();
  const optimizer = createOptimizer(0.05);
  await trainCandidate(
    first,
    data,
    { ...config, epochs: 2 },
    {
      optimizer,
      onEpochEnd: () => {
        throw new Error('stop after epoch 1');
      },
    },
  ).catch(() => undefined);
  const state = await exportOptimizerState(optimizer);

  const resumed = tinyModel();
  copyWeights(first, resumed);
  const restored = createOptimizer(0.05);
  await importOptimizerState(restored, state);
  assert.deepEqual(await exportOptimizerState(restored), state);
  await trainCandidate(
    resumed,
    data,
    { ...config, epochs: 2, startEpoch: 1 },
    { optimizer: restored },
  );

  // Equal up to float reassociation in the native kernels' multithreaded reductions.
  const kernel = (m: LayersModel) => m.getLayer('classifier').getWeights()[0].dataSync();
  const expected = kernel(straight);
  kernel(resumed).forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-5));
  [optimizer, restored].forEach(disposeOptimizer);
  [straight, first, resumed].forEach((m) => m.dispose());
});

test('returns to the same tensor count after training three candidates in a row', async () => {
  const baseline = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const model = tinyModel();
    const optimizer = createOptimizer(0.05);
    await trainCandidate(model, data, { ...config, epochs: 1 }, { optimizer });
    const restored = createOptimizer(0.05);
    await importOptimizerState(restored, await exportOptimizerState(optimizer));
    model.dispose();
    [optimizer, restored].forEach(disposeOptimizer);
  }
  assert.equal(tf.memory().numTensors, baseline);
});

test('steps the learning rate down at half and three quarters of the epochs', () => {
  const schedule = resolveSchedule({ initial: 0.1 });
  const rates = Array.from({ length: 8 }, (_, epoch) => learningRateAt(schedule, epoch, 8));
  assert.deepEqual(
    rates.map((rate) => Number(rate.toPrecision(6))),
    [0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001],
  );

  const cosine = resolveSchedule({ initial: 0.1, decay: 'cosine' });
  const cosineRates = [0, 2, 4, 6].map((epoch) => learningRateAt(cosine, epoch, 8));
  assert.equal(cosineRates[0], 0.1);
  assert.ok(cosineRates.every((rate, i) => i === 0 || rate < cosineRates[i - 1]));
});

test('mirrors and shifts training images while keeping evaluation images untouched', () => {
  const images = {
    pixels: Uint8Array.from([1, 2, 3, 4]),
    shape: [2, 2, 1] as [number, number, number],
    mean: [0],
    std: [1],
  };
  const plain = imageBatch(images, [0]);
  assert.deepEqual(Array.from(plain.dataSync()), [1, 2, 3, 4]);

  const flipOnly = imageBatch(images, [0], { crop: 0, flip: true }, () => 0.1);
  assert.deepEqual(Array.from(flipOnly.dataSync()), [2, 1, 4, 3]);

  // random() = 0 picks the largest shift up-left: dy = dx = -1, no flip (0 < 0.5 flips).
  const shifted = imageBatch(images, [0], { crop: 1, flip: false }, () => 0);
  assert.deepEqual(Array.from(shifted.dataSync()), [0, 0, 0, 1]);
  tf.dispose([plain, flipOnly, shifted]);
});
