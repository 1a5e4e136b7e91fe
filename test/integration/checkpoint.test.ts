import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { PutObjectCommand } from '@aws-sdk/client-s3';

import {
  latestCheckpoint,
  loadFinalModel,
  NamedTensor,
  optimizerStateFromTensors,
  optimizerStateTensors,
  restoreModel,
  saveCheckpoint,
  saveFinalModel,
} from '../../activities/checkpoint';
import { s3IOHandler } from '../../activities/s3-io-handler';
import { ObjectStore } from '../../activities/s3-store';
import { candidatePrefix, epochPrefix, finalPrefix } from '../../activities/store-keys';
import { tf } from '../../activities/tf';
import { runTag, testStore } from '../helpers/s3-env';

const searchId = `test-ckpt-${runTag()}`;
let store: ObjectStore;
let model: LayersModel;
let input: Tensor;

before(async () => {
  store = await testStore();
  model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  input = tf.randomNormal([5, 4], 0, 1, 'float32', 7);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
  await model.fit(input, labels, { epochs: 2, verbose: 0 });
  labels.dispose();
});

after(async () => {
  await store.deletePrefix(`searches/${searchId}/`);
  model.dispose();
  input.dispose();
});

async function optimizerWeights(): Promise<NamedTensor[]> {
  return model.optimizer.getWeights();
}

/** Logger that records the warnings it is given. */
function recordingLogger(warnings: string[]) {
  return { info: () => undefined, warn: (message: string) => warnings.push(message) };
}

async function save(candidateId: string, epoch: number, keep = 2): Promise<string> {
  return saveCheckpoint(store, {
    searchId,
    candidateId,
    epoch,
    model,
    optimizerWeights: await optimizerWeights(),
    metrics: Array.from({ length: epoch }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1) })),
    trainingConfig: { batchSize: 32, learningRate: 0.01 },
    architecture: { depths: [2, 2, 2] },
    keep,
  });
}

function predictions(m: LayersModel): number[] {
  return tf.tidy(() => Array.from((m.predict(input) as Tensor).dataSync()));
}

test('saves a checkpoint and loads back weights, optimizer state and training state', async () => {
  await save('roundtrip', 1);
  const checkpoint = await latestCheckpoint(store, searchId, 'roundtrip');
  assert.ok(checkpoint);
  assert.equal(checkpoint.epoch, 1);
  assert.deepEqual(checkpoint.architecture, { depths: [2, 2, 2] });
  assert.deepEqual(checkpoint.metrics, [{ epoch: 1, loss: 1 }]);

  const restored = await restoreModel(checkpoint);
  assert.deepEqual(predictions(restored), predictions(model));
  restored.dispose();

  const original = await optimizerWeights();
  assert.deepEqual(
    checkpoint.optimizerWeights.map(({ name }) => name),
    original.map(({ name }) => name),
  );
  for (const [i, { tensor }] of checkpoint.optimizerWeights.entries()) {
    assert.deepEqual(Array.from(tensor.dataSync()), Array.from(original[i].tensor.dataSync()));
    tensor.dispose();
  }
});

test('keeps only the newest two complete checkpoints', async () => {
  for (const epoch of [1, 2, 3]) await save('prune', epoch);
  const keys = (await store.list(candidatePrefix(searchId, 'prune'))).map(({ key }) => key);
  const epochs = new Set(keys.map((key) => /epoch-(\d+)\//.exec(key)?.[1]));
  assert.deepEqual([...epochs].sort(), ['2', '3']);
  assert.equal(keys.length, 8, 'four parts in each kept checkpoint');
  assert.equal((await latestCheckpoint(store, searchId, 'prune'))?.epoch, 3);
});

test('falls back to the previous checkpoint when the newest is corrupt', async () => {
  for (const epoch of [4, 5]) await save('corrupt', epoch);
  const key = `${epochPrefix(searchId, 'corrupt', 5)}weights.bin`;
  const head = await store.head(key);
  await store.client.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: Buffer.alloc(head?.sizeBytes ?? 8, 0),
      Metadata: { sha256: head?.sha256 ?? '' },
    }),
  );

  const warnings: string[] = [];
  const checkpoint = await latestCheckpoint(store, searchId, 'corrupt', recordingLogger(warnings));
  assert.equal(checkpoint?.epoch, 4);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /unreadable/);
});

test('falls back to the previous checkpoint when the newest has no state.json', async () => {
  for (const epoch of [1, 2]) await save('incomplete', epoch, 5);
  await store.delete(`${epochPrefix(searchId, 'incomplete', 2)}state.json`);

  const warnings: string[] = [];
  const checkpoint = await latestCheckpoint(
    store,
    searchId,
    'incomplete',
    recordingLogger(warnings),
  );
  assert.equal(checkpoint?.epoch, 1);
  assert.match(warnings[0], /incomplete/);
});

test("carries the trainer's momentum optimizer state through a checkpoint", async () => {
  const state = {
    iterations: 17,
    slots: [
      { name: 'dense/kernel/momentum', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) },
    ],
  };
  const tensors = optimizerStateTensors(state);
  await saveCheckpoint(store, {
    searchId,
    candidateId: 'momentum',
    epoch: 1,
    model,
    optimizerWeights: tensors,
    metrics: [],
    trainingConfig: {},
    architecture: {},
  });
  tf.dispose(tensors.map(({ tensor }) => tensor));

  const checkpoint = await latestCheckpoint(store, searchId, 'momentum');
  assert.ok(checkpoint);
  assert.deepEqual(await optimizerStateFromTensors(checkpoint.optimizerWeights), state);
});

test('finds no checkpoint for a candidate that never saved one', async () => {
  assert.equal(await latestCheckpoint(store, searchId, 'never'), undefined);
});

test('exports a final model that tf.loadLayersModel reads through s3IOHandler', async () => {
  const prefix = await saveFinalModel(store, searchId, 'final-candidate', model);
  assert.equal(prefix, finalPrefix(searchId, 'final-candidate'));

  const loaded = await tf.loadLayersModel(s3IOHandler(store, prefix));
  assert.deepEqual(predictions(loaded), predictions(model));
  loaded.dispose();

  const again = await loadFinalModel(store, searchId, 'final-candidate');
  assert.equal(again.layers.length, model.layers.length);
  again.dispose();
});
