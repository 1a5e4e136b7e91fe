import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { decideGrowth } from '../../workflows/growth';
import { progressQuery, stopSignal } from '../../workflows/messages';
import { stageWiseSearch, type SearchInput } from '../../workflows/search';
import { BEST_ACCURACY_KEY, ITERATION_KEY, STATE_KEY } from '../../workflows/search-attributes';
import type { SearchResult } from '../../workflows/search-state';
import { writeHistoryFile } from '../replay/history-file';
import { FakeLab, type Scenario } from './search-fakes';
import { startSearchEnv, type SearchTestEnv } from './search-env';

const lab = new FakeLab();
let env: SearchTestEnv;

before(async () => {
  env = await startSearchEnv(lab);
});

after(async () => {
  await env?.close();
});

/** A small spec with fast retries and a short heartbeat so cancellation arrives quickly. */
function spec(fields: Record<string, unknown> = {}): SearchInput['spec'] {
  return {
    dataset: 'fake-mnist',
    initialDepths: [1, 1, 1],
    growthStep: 1,
    featureSamples: 100,
    retry: { initialIntervalMs: 100, maximumIntervalMs: 200 },
    timeouts: { heartbeatMs: 2000 },
    ...fields,
  } as SearchInput['spec'];
}

/** Starts a search under a fresh id with this scenario. */
async function startSearch(
  name: string,
  scenario: Scenario,
  input: Partial<SearchInput> = {},
): Promise<WorkflowHandle<typeof stageWiseSearch>> {
  const workflowId = `${name}-${env.trainQueue.slice(-8)}`;
  lab.script(workflowId, scenario);
  return env.client.workflow.start(stageWiseSearch, {
    taskQueue: env.controlQueue,
    workflowId,
    args: [{ spec: spec(), trainTaskQueue: env.trainQueue, ...input }],
  });
}

/** Writes the history of a finished search to $SWNAS_RECORD_HISTORIES/<name>.json. */
async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const dir = process.env.SWNAS_RECORD_HISTORIES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeHistoryFile(path.join(dir, `${name}.json`), handle.workflowId, await handle.fetchHistory());
}

/** Stage scores of the converging scenario: stages 1 and 3 grow once, then nothing grows. */
const convergingScores: Record<string, number[]> = {
  initial: [1, 1, 1],
  'it1-probe': [2, 0.5, 1.5],
  'it1-grown': [1, 1, 1],
  'it2-probe': [0.5, 0.9, 1],
};

test('runs a search to convergence, growing exactly the stages decideGrowth picks', async () => {
  const handle = await startSearch('converges', { scores: (id) => convergingScores[id] });
  const result = await handle.result();

  const ids = result.candidates.map((c) => c.candidateId);
  assert.deepEqual(ids, ['initial', 'it1-probe', 'it1-grown', 'it2-probe']);
  assert.deepEqual(
    result.candidates.map((c) => c.depths),
    [
      [1, 1, 1],
      [2, 2, 2],
      [2, 1, 2],
      [3, 2, 3],
    ],
  );
  assert.equal(result.converged, true);
  assert.equal(result.stopReason, 'converged');
  assert.equal(result.stoppedEarly, false);
  assert.equal(result.iterations, 2);
  assert.deepEqual(result.finalDepths, [2, 1, 2]);

  const first = decideGrowth({
    depths: [1, 1, 1],
    currentScores: convergingScores.initial,
    probeScores: convergingScores['it1-probe'],
    growthStep: 1,
  });
  assert.deepEqual(result.decisions[0].grow, first.grow);
  assert.deepEqual(result.decisions[0].nextDepths, first.nextDepths);
  assert.equal(result.decisions[1].converged, true);
  assert.ok(lab.reportsWritten.includes(handle.workflowId), 'no report was written at the end');
  await recordHistory('converged-search', handle);
});

test(
  'evaluates initial and grown candidates but never probes, ' +
    'and picks the best by validation accuracy',
  async () => {
    const handle = await startSearch('best', {
      scores: (id) => convergingScores[id],
      valAccuracy: (id) => (id === 'initial' ? 0.9 : id === 'it1-probe' ? 0.99 : 0.8),
    });
    const result = await handle.result();

    const evaluated = lab.calls.filter(
      (c) => c.searchId === handle.workflowId && c.activity === 'evaluate',
    );
    assert.deepEqual(
      evaluated.map((c) => c.candidateId),
      ['initial', 'it1-grown'],
    );
    const probe = result.candidates.find((c) => c.role === 'probe');
    assert.equal(probe?.testAccuracy, null);
    assert.equal(result.best?.candidateId, 'initial');
    assert.equal(result.best?.macs, 3e6);
  },
);

/** Scores that rise with depth, as if deeper stages always mattered more: every stage grows. */
const deeperScoresHigher = { scores: (_id: string, depths: number[]) => depths.map((d) => d / 10) };

test('stops at the iteration limit when every probe keeps improving', async () => {
  const handle = await startSearch('limit', deeperScoresHigher, {
    spec: spec({ maxIterations: 2 }),
  });
  const result = await handle.result();

  const ids = result.candidates.map((c) => c.candidateId);
  assert.deepEqual(ids, ['initial', 'it1-probe', 'it1-grown', 'it2-probe', 'it2-grown']);
  assert.equal(result.stopReason, 'iterationLimit');
  assert.equal(result.converged, false);
  assert.deepEqual(result.finalDepths, [3, 3, 3]);
  assert.equal(result.best?.candidateId, 'it2-grown');
});

test('takes over the probe when every stage grows, training no depths twice', async () => {
  const handle = await startSearch('takeover', deeperScoresHigher, {
    spec: spec({ maxIterations: 1 }),
  });
  const result = await handle.result();

  const calls = lab.calls.filter((c) => c.searchId === handle.workflowId);
  const of = (activity: string) =>
    calls.filter((c) => c.activity === activity).map((c) => c.candidateId);
  assert.deepEqual(of('train'), ['initial', 'it1-probe']);
  assert.deepEqual(of('score'), ['initial', 'it1-probe']);
  assert.deepEqual(
    of('evaluate'),
    ['initial', 'it1-probe'],
    "the grown one tests the probe's model",
  );

  const probe = result.candidates.find((c) => c.candidateId === 'it1-probe');
  const grown = result.candidates.find((c) => c.candidateId === 'it1-grown');
  assert.equal(grown?.reusedFrom, 'it1-probe');
  assert.deepEqual(grown?.depths, [2, 2, 2]);
  assert.deepEqual(grown?.scores, probe?.scores);
  assert.equal(grown?.finalModelKey, probe?.finalModelKey);
  assert.equal(grown?.trainSeconds, 0);
  assert.ok(grown?.testAccuracy !== null && grown?.macs !== null, 'the grown one is evaluated');
  assert.equal(probe?.testAccuracy, null, 'the probe record itself stays a probe');
  assert.equal(probe?.reusedFrom, undefined);
  assert.equal(result.best?.candidateId, 'it1-grown');
  await recordHistory('probe-taken-over', handle);
});

test('stops before a probe would exceed maxDepthPerStage', async () => {
  const handle = await startSearch(
    'depth-guard',
    { scores: (id) => (id.endsWith('probe') ? [2, 2, 2] : [1, 1, 1]) },
    { spec: spec({ maxDepthPerStage: 2 }) },
  );
  const result = await handle.result();

  const ids = result.candidates.map((c) => c.candidateId);
  assert.deepEqual(ids, ['initial', 'it1-probe', 'it1-grown']);
  assert.equal(result.stopReason, 'depthLimit');
  assert.deepEqual(result.finalDepths, [2, 2, 2]);
});

test('retries a training attempt that crashed and records the attempt that succeeded', async () => {
  const handle = await startSearch('retry', {
    scores: (id) => convergingScores[id],
    failFirstTrainOf: 'it1-probe',
  });
  const result = await handle.result();

  const probe = result.candidates.find((c) => c.candidateId === 'it1-probe');
  assert.equal(probe?.attempts.train, 2);
  assert.equal(probe?.resumedFromEpoch, 1);
  assert.equal(result.candidates[0].attempts.train, 1);
  assert.equal(result.converged, true);
});

test('fails at once with InvalidSearchSpec listing every problem of a bad spec', async () => {
  const handle = await startSearch(
    'invalid',
    { scores: () => [1] },
    {
      spec: spec({ epochs: 0, widths: [16, 32] }),
    },
  );

  await assert.rejects(handle.result(), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, 'InvalidSearchSpec');
    assert.match(err.cause.message, /2 problems/);
    assert.match(err.cause.message, /epochs must be a positive integer/);
    assert.match(err.cause.message, /initialDepths and widths need one entry per stage/);
    return true;
  });
  assert.equal(lab.calls.filter((c) => c.searchId === handle.workflowId).length, 0);
  const description = await handle.describe();
  assert.equal(description.typedSearchAttributes.get(STATE_KEY), 'failed');
});

test('fails with InvalidSearchSpec when featureSamples exceeds the training images', async () => {
  const handle = await startSearch(
    'samples',
    { scores: () => [1, 1, 1] },
    {
      spec: spec({ featureSamples: 5000 }),
    },
  );

  await assert.rejects(handle.result(), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, 'InvalidSearchSpec');
    assert.match(err.cause.message, /featureSamples \(5000\) exceeds the 900 training images/);
    return true;
  });
});

test('fails without retrying when the dataset is unknown', async () => {
  const handle = await startSearch(
    'unknown',
    { scores: () => [1, 1, 1] },
    {
      spec: spec({ dataset: 'missing' }),
    },
  );

  await assert.rejects(handle.result(), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ActivityFailure);
    assert.equal((err.cause.cause as ApplicationFailure).type, 'UnknownDataset');
    return true;
  });
});

test('finishes the running candidate after a stop signal and returns the best so far', async () => {
  const handle = await startSearch('stop', {
    scores: (id) => convergingScores[id],
    blockTrainOf: 'it1-probe',
  });
  await lab.blockedTrainingStarted(handle.workflowId);

  await handle.signal(stopSignal);
  lab.release(handle.workflowId);
  const result: SearchResult = await handle.result();

  assert.equal(result.stoppedEarly, true);
  assert.equal(result.stopReason, 'stopSignal');
  assert.deepEqual(
    result.candidates.map((c) => c.candidateId),
    ['initial', 'it1-probe'],
  );
  assert.equal(result.best?.candidateId, 'initial');
  await recordHistory('stopped-search', handle);
});

test(
  'cancelling a search cancels its running training ' + 'and ends the workflow cancelled',
  async () => {
    const handle = await startSearch('cancel', {
      scores: (id) => convergingScores[id],
      blockTrainOf: 'initial',
    });
    await lab.blockedTrainingStarted(handle.workflowId);

    await handle.cancel();

    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof CancelledFailure, String(err.cause));
      return true;
    });
    assert.ok(lab.cancelledTrainings.has(handle.workflowId));
    const description = await handle.describe();
    assert.equal(description.status.name, 'CANCELLED');
    assert.equal(description.typedSearchAttributes.get(STATE_KEY), 'cancelled');
  },
);

test('continues as new between candidates and carries the whole state over', async () => {
  const handle = await startSearch(
    'continues',
    { scores: (id) => convergingScores[id] },
    {
      candidatesPerRun: 1,
    },
  );
  const result = await handle.result();

  assert.deepEqual(
    result.candidates.map((c) => c.candidateId),
    ['initial', 'it1-probe', 'it1-grown', 'it2-probe'],
  );
  const trained = lab.calls.filter(
    (c) => c.searchId === handle.workflowId && c.activity === 'train',
  );
  assert.equal(trained.length, 4, 'no candidate is trained twice across runs');
  const progress = await handle.query(progressQuery);
  assert.equal(progress.runs, 5, 'one run per candidate, then one that decides convergence');
  assert.equal(progress.status, 'converged');
});

test('keeps search attributes current so searches can be listed by state and dataset', async () => {
  const handle = await startSearch('attributes', { scores: (id) => convergingScores[id] });
  await handle.result();

  const query =
    `WorkflowId = '${handle.workflowId}' ` +
    `AND SwnasState = 'converged' AND SwnasDataset = 'fake-mnist'`;
  const found = await eventually(async () => {
    const runs = [];
    for await (const run of env.client.workflow.list({ query })) runs.push(run);
    return runs.length === 1 ? runs[0] : undefined;
  });
  assert.equal(found.typedSearchAttributes.get(ITERATION_KEY), 2);
  assert.ok(Math.abs((found.typedSearchAttributes.get(BEST_ACCURACY_KEY) ?? 0) - 0.54) < 1e-9);
});

test(
  'shows a markdown table of candidates as current details ' +
    'and names candidates in activity summaries',
  async () => {
    const handle = await startSearch('details', { scores: (id) => convergingScores[id] });
    await handle.result();

    const metadata = await handle.query<{ currentDetails?: string }>(
      '__temporal_workflow_metadata',
    );
    assert.match(metadata.currentDetails ?? '', /\| it1-grown \| \[2,1,2\] \|/);
    assert.match(metadata.currentDetails ?? '', /converged/);

    const history = await handle.fetchHistory();
    const summaries = (history.events ?? [])
      .map((e) => e.userMetadata?.summary?.data)
      .filter((data): data is Uint8Array => data instanceof Uint8Array)
      .map((data) => JSON.parse(Buffer.from(data).toString()));
    assert.ok(summaries.includes('train it1-probe [2,2,2]'), summaries.join(', '));
    assert.ok(summaries.includes('evaluate it1-grown [2,1,2]'));
  },
);

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('visibility did not show the search in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
