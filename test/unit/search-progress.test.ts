import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressBar, resultView } from '../../client/search-view';
import { defaultSearchId, parseStartArgs } from '../../client/search-spec-flags';
import { UsageError } from '../../client/errors';
import { candidateTable, growText, renderDetails } from '../../workflows/progress';
import {
  bestCandidate,
  candidateId,
  modelsTrained,
  newState,
  reusedRecord,
  trainedProbe,
  type CandidateRecord,
  type CandidateRole,
} from '../../workflows/search-state';

function candidate(role: CandidateRole, iteration: number, valAccuracy: number): CandidateRecord {
  const evaluated = role !== 'probe';
  return {
    candidateId: candidateId(role, iteration),
    role,
    iteration,
    depths: [2, 2, 2],
    scores: [1, 0.5, 0.25],
    featureCounts: [64, 32, 16],
    valAccuracy,
    testAccuracy: evaluated ? valAccuracy - 0.01 : null,
    testLoss: evaluated ? 0.3 : null,
    params: evaluated ? 270_000 : null,
    macs: evaluated ? 40_000_000 : null,
    latencyMs: evaluated ? 3 : null,
    trainSeconds: 12,
    epochs: [],
    resumedFromEpoch: null,
    checkpointKey: 'k',
    finalModelKey: 'f',
    worker: 'w',
    attempts: { train: 1, score: 1, evaluate: evaluated ? 1 : null },
  };
}

test('names candidates initial, it<N>-probe and it<N>-grown', () => {
  assert.equal(candidateId('initial', 0), 'initial');
  assert.equal(candidateId('probe', 3), 'it3-probe');
  assert.equal(candidateId('grown', 1), 'it1-grown');
});

test('picks the best candidate by validation accuracy and never a probe', () => {
  const candidates = [
    candidate('initial', 0, 0.8),
    candidate('probe', 1, 0.95),
    candidate('grown', 1, 0.85),
  ];

  assert.equal(bestCandidate(candidates)?.candidateId, 'it1-grown');
  assert.equal(bestCandidate([candidate('probe', 1, 0.9)]), null);
});

test('renders one table row per candidate with dashes for a probe that was not evaluated', () => {
  const table = candidateTable([candidate('initial', 0, 0.8), candidate('probe', 1, 0.9)]);

  assert.match(
    table,
    /\| initial \| \[2,2,2\] \| 1\.000 0\.500 0\.250 \| 80\.00% \| 79\.00% \| 40\.00 \| 0\.27 \|/,
  );
  assert.match(table, /\| it1-probe \| \[2,2,2\] \| .* \| 90\.00% \| - \| - \| - \|/);
});

test('a grown candidate takes over the probe of its depths, evaluated but not trained', () => {
  const probe = { ...candidate('probe', 1, 0.9), depths: [4, 4, 4] };
  const state = { ...newState('s1'), candidates: [candidate('initial', 0, 0.8), probe] };
  assert.equal(trainedProbe(state, [4, 4, 2]), undefined);
  assert.equal(trainedProbe(state, [2, 2, 2]), undefined, 'the initial candidate is no probe');
  assert.equal(trainedProbe(state, [4, 4, 4]), probe);

  const evaluation = {
    testAccuracy: 0.88,
    testLoss: 0.4,
    params: 1e6,
    macs: 5e7,
    latencyMs: 2,
    attempt: 2,
  };
  const grown = reusedRecord(probe, 'it1-grown', 'grown', 1, evaluation);
  assert.equal(grown.reusedFrom, 'it1-probe');
  assert.equal(grown.role, 'grown');
  assert.deepEqual([grown.scores, grown.valAccuracy], [probe.scores, probe.valAccuracy]);
  assert.deepEqual([grown.testAccuracy, grown.macs, grown.trainSeconds], [0.88, 5e7, 0]);
  assert.deepEqual(grown.attempts, { train: 1, score: 1, evaluate: 2 });
  assert.equal(modelsTrained([...state.candidates, grown]), 2);
  assert.match(candidateTable([grown]), /\| it1-grown \| \[4,4,4\] .* \| = it1-probe \|$/);
});

test('describes growth decisions by their 1-based stages', () => {
  assert.equal(growText([true, false, true]), 'stages 1, 3');
  assert.equal(growText([false, false, false]), 'none');
});

test('puts status, running step and best candidate into the current details', () => {
  const state = { ...newState('s1'), candidates: [candidate('initial', 0, 0.8)] };
  const running = {
    candidateId: 'it1-probe',
    role: 'probe' as const,
    iteration: 1,
    depths: [4, 4, 4],
    step: 'train' as const,
  };

  const details = renderDetails(state, 'fashion-mnist', running);

  assert.match(details, /`s1` on `fashion-mnist`: running/);
  assert.match(details, /Running: train `it1-probe` \[4,4,4\]/);
  assert.match(details, /Best: `initial`/);
});

test('draws a progress bar proportional to the fraction done, clamped to [0, 1]', () => {
  assert.equal(progressBar(0.5, 10), '[#####.....]');
  assert.equal(progressBar(2, 4), '[####]');
  assert.equal(progressBar(-1, 4), '[....]');
});

test('summarises a result by its stop reason, final depths and best candidate', () => {
  const best = candidate('grown', 1, 0.9);
  const view = resultView({
    searchId: 's1',
    candidates: [best],
    decisions: [],
    finalDepths: [2, 2, 2],
    best,
    converged: true,
    stoppedEarly: false,
    stopReason: 'converged',
    iterations: 1,
  });

  assert.match(view, /s1: converged \(no stage grew\) after 1 iteration/);
  assert.match(view, /best: it1-grown \[2,2,2\]  val 90\.00%  test 89\.00%/);
});

test(
  'lays start flags over the spec defaults ' +
    'and rejects an invalid combination as a usage error',
  () => {
    const request = parseStartArgs([
      '--dataset',
      'fashion-mnist',
      '--initial-depths',
      '1,2,3',
      '--epochs',
      '3',
      '--watch',
    ]);

    assert.deepEqual(request.spec.initialDepths, [1, 2, 3]);
    assert.equal(request.spec.epochs, 3);
    assert.equal(request.spec.batchSize, 128);
    assert.equal(request.watch, true);
    assert.throws(() => parseStartArgs(['--dataset', 'd', '--widths', '16,32']), UsageError);
    assert.throws(() => parseStartArgs(['--dataset', 'd', '--no-such-flag']), UsageError);
  },
);

test('derives a search id from the dataset and the start time', () => {
  assert.equal(
    defaultSearchId('fashion-mnist', new Date('2025-01-02T03:04:05Z')),
    'fashion-mnist-20250102-030405',
  );
});
