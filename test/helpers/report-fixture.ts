// A finished search of five candidates (initial, two probes, two grown) for report tests.
import type { EpochMetrics } from '../../workflows/activity-types';
import type { CandidateRecord, CandidateRole, SearchResult } from '../../workflows/search-state';
import { validateSpec, type SearchSpec } from '../../workflows/spec';

/** The spec of the fixture search. */
export const fixtureSpec: SearchSpec = validateSpec({ dataset: 'fashion-mnist', epochs: 3 });

function epochs(finalAccuracy: number): EpochMetrics[] {
  return [1, 2, 3].map((epoch) => ({
    epoch,
    loss: 2 / epoch,
    accuracy: finalAccuracy - (3 - epoch) * 0.04,
    valLoss: 2.2 / epoch,
    valAccuracy: finalAccuracy - (3 - epoch) * 0.05,
    seconds: 10,
  }));
}

function record(
  role: CandidateRole,
  iteration: number,
  depths: number[],
  accuracy: { val: number; test: number | null; macs: number | null },
): CandidateRecord {
  const id = role === 'initial' ? 'initial' : `it${iteration}-${role}`;
  const evaluated = accuracy.test !== null;
  return {
    candidateId: id,
    role,
    iteration,
    depths,
    scores: depths.map((d, s) => 1 + 0.05 * d - 0.1 * s),
    featureCounts: [256, 128, 64],
    valAccuracy: accuracy.val,
    testAccuracy: accuracy.test,
    testLoss: evaluated ? 0.4 : null,
    params: evaluated ? 100_000 * depths.reduce((a, b) => a + b, 0) : null,
    macs: accuracy.macs,
    latencyMs: evaluated ? 3.5 : null,
    trainSeconds: 30 + depths.reduce((a, b) => a + b, 0),
    epochs: epochs(accuracy.val),
    resumedFromEpoch: null,
    checkpointKey: `searches/s/candidates/${id}/epoch-3/`,
    finalModelKey: `searches/s/candidates/${id}/final/`,
    worker: 'host:1',
    attempts: { train: id === 'it1-probe' ? 2 : 1, score: 1, evaluate: evaluated ? 1 : null },
  };
}

/** Two iterations; it2-grown costs more than it1-grown yet is less accurate (off the front). */
export function fixtureResult(): SearchResult {
  const candidates = [
    record('initial', 0, [2, 2, 2], { val: 0.84, test: 0.83, macs: 12_000_000 }),
    record('probe', 1, [4, 4, 4], { val: 0.86, test: null, macs: null }),
    record('grown', 1, [4, 2, 4], { val: 0.87, test: 0.86, macs: 18_000_000 }),
    record('probe', 2, [6, 4, 6], { val: 0.87, test: null, macs: null }),
    record('grown', 2, [6, 2, 6], { val: 0.86, test: 0.85, macs: 25_000_000 }),
  ];
  return {
    searchId: 'fixture-search',
    candidates,
    decisions: [
      {
        iteration: 1,
        currentDepths: [2, 2, 2],
        probeDepths: [4, 4, 4],
        currentScores: candidates[0].scores,
        probeScores: candidates[1].scores,
        grow: [true, false, true],
        nextDepths: [4, 2, 4],
        converged: false,
      },
    ],
    finalDepths: [6, 2, 6],
    best: candidates[2],
    converged: false,
    stoppedEarly: false,
    stopReason: 'iterationLimit',
    iterations: 2,
  };
}
