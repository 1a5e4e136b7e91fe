import assert from 'node:assert/strict';
import { test } from 'node:test';

import { candidateCost } from '../../activities/cost';
import { buildCandidate, InvalidArchitecture, stageOutputNames } from '../../activities/model';

const CIFAR: [number, number, number] = [32, 32, 3];

test('counts ResNet-56 on 32x32x3 as about 125.7 M MACs and 0.86 M parameters', () => {
  const cost = candidateCost({ inputShape: CIFAR, classes: 10, depths: [9, 9, 9] });
  assert.equal(cost.macs, 125_747_840);
  assert.equal(Math.round(cost.params / 10_000) / 100, 0.86);
  assert.equal(cost.layers, 56);
});

test('counts ResNet-110 on 32x32x3 as about 253 M MACs and 1.7 M parameters', () => {
  const cost = candidateCost({ inputShape: CIFAR, classes: 10, depths: [18, 18, 18] });
  assert.equal(Math.round(cost.macs / 1e6), 253);
  assert.equal(Math.round(cost.params / 100_000) / 10, 1.7);
  assert.equal(cost.layers, 110);
});

test('counts exactly the parameters Keras counts in the built model', () => {
  const cases = [
    { inputShape: CIFAR, classes: 10, depths: [2, 2, 2] },
    { inputShape: CIFAR, classes: 10, depths: [9, 9, 9] },
    { inputShape: CIFAR, classes: 10, depths: [18, 18, 18] },
    { inputShape: [28, 28, 1] as [number, number, number], classes: 10, depths: [1, 3] },
    { inputShape: CIFAR, classes: 100, depths: [1, 1, 1], widths: [24, 48, 96] },
  ];
  for (const spec of cases) {
    const model = buildCandidate(spec);
    assert.equal(candidateCost(spec).params, model.countParams(), JSON.stringify(spec));
    model.dispose();
  }
});

test('names the last block of every stage stageN_out with the expected output shape', () => {
  const model = buildCandidate({ inputShape: [28, 28, 1], classes: 10, depths: [2, 1, 3] });
  const shapes = stageOutputNames([2, 1, 3]).map((name) => model.getLayer(name).outputShape);
  assert.deepEqual(shapes, [
    [null, 28, 28, 16],
    [null, 14, 14, 32],
    [null, 7, 7, 64],
  ]);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  model.dispose();
});

test('rejects malformed architectures with InvalidArchitecture', () => {
  const bad = [
    { inputShape: CIFAR, classes: 10, depths: [] },
    { inputShape: CIFAR, classes: 10, depths: [2, 0, 2] },
    { inputShape: CIFAR, classes: 10, depths: [2, 1.5, 2] },
    { inputShape: CIFAR, classes: 10, depths: [2, 2, 2], widths: [16, 32] },
    { inputShape: [32, 32] as unknown as [number, number, number], classes: 10, depths: [2] },
    { inputShape: [32, -1, 3] as [number, number, number], classes: 10, depths: [2] },
    { inputShape: CIFAR, classes: 1, depths: [2] },
  ];
  for (const spec of bad) {
    assert.throws(() => buildCandidate(spec), InvalidArchitecture, JSON.stringify(spec));
    assert.throws(() => candidateCost(spec), InvalidArchitecture, JSON.stringify(spec));
  }
});

test('builds the same weights twice from the same seed', () => {
  const spec = {
    inputShape: [8, 8, 1] as [number, number, number],
    classes: 3,
    depths: [1, 1],
    seed: 7,
  };
  const [a, b] = [buildCandidate(spec), buildCandidate(spec)];
  const kernel = (model: typeof a) => model.getLayer('s2b1_2_conv').getWeights()[0].dataSync();
  assert.deepEqual(kernel(a), kernel(b));
  a.dispose();
  b.dispose();
});
