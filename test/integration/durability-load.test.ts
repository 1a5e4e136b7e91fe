// Several searches at once against two training workers: all complete, no worker ever holds
// two trainings at a time, the control worker keeps answering, and the S3 secret shows up in
// no log and no history.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { progressQuery } from '../../workflows/messages';
import {
  activityRuns,
  historyText,
  importPatterns,
  searchResult,
  startSearch,
  terminateOpen,
  testClient,
  within,
  type ActivityRun,
} from '../helpers/durability';
import { requireStackEnv } from '../helpers/env';
import { startWorker, WorkerProcess } from '../helpers/workers';

/** Searches started at once; SWNAS_LOAD_SEARCHES overrides. */
const SEARCHES = Number(process.env.SWNAS_LOAD_SEARCHES ?? 20);

/** Bound on one `search status` query while both training workers are busy. */
const STATUS_BOUND_MS = 1000;

/** The training workers share the cores with the control worker and Temporal; they yield. */
const TRAINER_NICENESS = 10;

/** The activities the training worker runs (swnas-train). */
const TRAIN_QUEUE_ACTIVITIES = ['trainCandidate', 'scoreCandidate', 'evaluateCandidate'];

/** Pairs of activity runs of one worker whose [start, completion] intervals overlap. */
function overlaps(runs: ActivityRun[]): string[] {
  const found: string[] = [];
  const byWorker = new Map<string, ActivityRun[]>();
  for (const run of runs) byWorker.set(run.identity, [...(byWorker.get(run.identity) ?? []), run]);
  for (const [identity, list] of byWorker) {
    list.sort((a, b) => a.startedMs - b.startedMs);
    for (let i = 1; i < list.length; i++) {
      const previousEnd = list[i - 1].completedMs ?? Infinity;
      if (list[i].startedMs < previousEnd) {
        found.push(`${identity}: ${list[i - 1].candidateId} and ${list[i].candidateId}`);
      }
    }
  }
  return found;
}

describe('many searches at once on two training workers', () => {
  const stack = requireStackEnv();
  const tag = randomBytes(3).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'swnas-dur-load-'));
  const env = { SWNAS_CACHE_DIR: join(work, 'cache'), SWNAS_LOG_LEVEL: 'DEBUG' };
  const ids = Array.from({ length: SEARCHES }, (_, i) => `dur-load-${tag}-${i}`);
  const workers: WorkerProcess[] = [];
  let client: Client;

  before(async () => {
    client = await testClient();
    const dataset = await importPatterns(`dur-load-${tag}`, env);
    workers.push(
      startWorker('control', join(work, 'control.log'), env),
      startWorker('train', join(work, 'train-1.log'), env, TRAINER_NICENESS),
      startWorker('train', join(work, 'train-2.log'), env, TRAINER_NICENESS),
    );
    const spec = { dataset, epochs: 1, trainLimit: 200, maxIterations: 1, seed: 11 };
    await Promise.all(ids.map((id, i) => startSearch(id, { ...spec, seed: 11 + i }, env)));
  });

  after(async () => {
    if (client) await terminateOpen(client, ids);
    await Promise.all(workers.map((w) => w.stop()));
    await client?.connection.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('completes every search, each worker training one candidate at a time', async (t) => {
    // Once the control worker has picked every search up, `search status`'s query is sampled
    // against STATUS_BOUND_MS while they run.
    for (const id of ids) {
      await within(client.workflow.getHandle(id).query(progressQuery), 60_000, `first ${id}`);
    }
    let maxQueryMs = 0;
    let samples = 0;
    const results = Promise.all(ids.map((id) => searchResult(client, id, 600_000)));
    let settled = false;
    results.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) {
      const id = ids[samples % ids.length];
      const startedMs = performance.now();
      const query = client.workflow.getHandle(id).query(progressQuery);
      await within(query, STATUS_BOUND_MS, `status of ${id}`);
      maxQueryMs = Math.max(maxQueryMs, performance.now() - startedMs);
      samples++;
      await sleep(1000);
    }
    t.diagnostic(`status query: ${samples} samples, max ${maxQueryMs.toFixed(0)} ms`);

    const done = await results;
    assert.equal(done.length, SEARCHES);
    assert.ok(done.every((r) => r.candidates.length >= 2));
    const runs = (await Promise.all(ids.map((id) => activityRuns(client, id)))).flat();
    const onTrainQueue = runs.filter((r) => TRAIN_QUEUE_ACTIVITIES.includes(r.activityType));
    assert.ok(onTrainQueue.every((r) => r.completedMs !== undefined));
    assert.equal(new Set(onTrainQueue.map((r) => r.identity)).size, 2, 'both workers trained');
    assert.deepEqual(overlaps(onTrainQueue), []);
  });

  test('writes the S3 secret into no worker log and no workflow history', async () => {
    const secret = stack.secretAccessKey;
    assert.ok(secret.length >= 16, 'the stack secret is a distinctive random string');
    for (const worker of workers) {
      const log = readFileSync(worker.logFile, 'utf8');
      assert.ok(log.length > 0, `${worker.logFile} is empty`);
      assert.ok(!log.includes(secret), `${worker.logFile} holds the secret`);
    }
    for (const id of ids) {
      const history = await historyText(client, id);
      assert.ok(history.includes('trainCandidate'), 'the history text is decoded');
      assert.ok(!history.includes(secret), `the history of ${id} holds the secret`);
    }
  });
});
