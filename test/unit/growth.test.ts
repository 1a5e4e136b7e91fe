import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decideGrowth, GrowthInputError } from '../../workflows/growth';

test('grows exactly the stages whose probe score beats the current score', () => {
  const decision = decideGrowth({
    depths: [2, 2, 2],
    currentScores: [0.8, 0.9, 1.0],
    probeScores: [0.85, 0.7, 1.2],
    growthStep: 2,
  });
  assert.deepEqual(decision, {
    grow: [true, false, true],
    nextDepths: [4, 2, 4],
    converged: false,
  });
});

test('does not grow a stage whose probe score ties its current score', () => {
  const decision = decideGrowth({
    depths: [3, 5],
    currentScores: [0.75, 1.1],
    probeScores: [0.75, 1.1000001],
    growthStep: 1,
  });
  assert.deepEqual(decision.grow, [false, true]);
  assert.deepEqual(decision.nextDepths, [3, 6]);
  assert.equal(decision.converged, false);
});

test('converges when no probe score exceeds its current score', () => {
  const decision = decideGrowth({
    depths: [4, 6, 2],
    currentScores: [1, 1, 1],
    probeScores: [0.9, 1, 0.2],
    growthStep: 2,
  });
  assert.deepEqual(decision, {
    grow: [false, false, false],
    nextDepths: [4, 6, 2],
    converged: true,
  });
});

test('rejects scores whose lengths differ from the depths', () => {
  assert.throws(
    () =>
      decideGrowth({
        depths: [2, 2, 2],
        currentScores: [1, 1],
        probeScores: [1, 1, 1],
        growthStep: 2,
      }),
    (err) => err instanceof GrowthInputError && /3 depths, 2 current scores/.test(err.message),
  );
});

test('rejects non-finite scores, bad depths and bad growth steps', () => {
  const base = { depths: [2, 2], currentScores: [1, 1], probeScores: [1, 1], growthStep: 2 };
  const cases: [object, RegExp][] = [
    [{ probeScores: [1, NaN] }, /probeScores\[1\] is NaN/],
    [{ currentScores: [Infinity, 1] }, /currentScores\[0\] is Infinity/],
    [{ growthStep: 0 }, /growthStep is 0/],
    [{ growthStep: 1.5 }, /growthStep is 1.5/],
    [{ depths: [2, 0] }, /depths\[1\] is 0/],
    [{ depths: [], currentScores: [], probeScores: [] }, /depths is empty/],
  ];
  for (const [change, message] of cases) {
    assert.throws(
      () => decideGrowth({ ...base, ...change }),
      (err) => err instanceof GrowthInputError && message.test(err.message),
      String(message),
    );
  }
});
