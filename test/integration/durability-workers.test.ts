// Worker crashes during a search on the real stack: a training worker SIGKILLed mid-epoch
// with another one free, the only training worker killed and restarted later, and the control
// worker killed while a candidate trains. Each run is compared with an undisturbed one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { storeFromEnv } from '../../activities/s3-store';
import type { SearchResult } from '../../workflows/search-state';
import {
  activityRuns,
  importPatterns,
  pendingTrainings,
  pidOfIdentity,
  pidOfWorkerName,
  searchResult,
  searchShape,
  startSearch,
  testClient,
  trainCompletions,
  trainingWorker,
  waitForCheckpoint,
  waitForTraining,
} from '../helpers/durability';
import { requireStackEnv } from '../helpers/env';
import { startWorker, WorkerProcess } from '../helpers/workers';

describe('a search survives its workers dying', () => {
  requireStackEnv();
  const tag = randomBytes(3).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'swnas-dur-workers-'));
  const env = { SWNAS_CACHE_DIR: join(work, 'cache') };
  const workers = new Set<WorkerProcess>();
  const store = storeFromEnv();
  let client: Client;
  let dataset = '';
  let reference: SearchResult;
  let logCount = 0;

  const spawnWorker = (queue: 'train' | 'control') => {
    const worker = startWorker(queue, join(work, `${queue}-${++logCount}.log`), env);
    workers.add(worker);
    return worker;
  };
  const byPid = (pid: number) => [...workers].find((w) => w.child.pid === pid);

  before(async () => {
    client = await testClient();
    dataset = await importPatterns(`dur-workers-${tag}`, env);
    spawnWorker('control');
    spawnWorker('train');
    spawnWorker('train');
    await startSearch(`dur-ref-${tag}`, { dataset }, env);
    reference = await searchResult(client, `dur-ref-${tag}`);
  });

  after(async () => {
    await Promise.all([...workers].map((w) => w.stop()));
    await client?.connection.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('resumes a candidate on the other training worker from its newest checkpoint', async () => {
    const id = `dur-kill-train-${tag}`;
    await startSearch(id, { dataset }, env);

    // Kill the worker that trains `initial` as soon as epoch 1's checkpoint is complete.
    await waitForCheckpoint(store, id, 'initial', 1);
    const victim = await trainingWorker(client, id);
    const victimPid = pidOfIdentity(victim);
    byPid(victimPid)?.child.kill('SIGKILL');
    workers.delete(byPid(victimPid) as WorkerProcess);

    const result = await searchResult(client, id);
    assert.deepEqual(searchShape(result), searchShape(reference));
    const resumed = result.candidates.filter((c) => c.resumedFromEpoch !== null);
    assert.equal(resumed.length, 1, 'exactly the killed candidate resumed');
    const [candidate] = resumed;
    // Only the interrupted epoch 2 is trained again.
    assert.equal(candidate.candidateId, 'initial');
    assert.equal(candidate.resumedFromEpoch, 1);
    assert.ok(candidate.attempts.train >= 2);
    assert.notEqual(pidOfWorkerName(candidate.worker), victimPid);
    assert.deepEqual(
      candidate.epochs.map((e) => e.epoch),
      [1, 2, 3],
      'the metrics of every epoch survive the resume',
    );
    spawnWorker('train');
  });

  test('waits for a training worker when the only one dies, then completes', async () => {
    const id = `dur-only-train-${tag}`;
    const trainers = [...workers].filter((w) => w.logFile.includes('train-'));
    await Promise.all(trainers.slice(1).map((w) => w.stop()));
    trainers.slice(1).forEach((w) => workers.delete(w));
    await startSearch(id, { dataset }, env);

    await waitForCheckpoint(store, id, 'initial', 1);
    trainers[0].child.kill('SIGKILL');
    workers.delete(trainers[0]);

    // With no worker the training stays pending, its heartbeat frozen, the search running.
    await sleep(10_000);
    const before = await pendingTrainings(client, id);
    const { status } = await client.workflow.getHandle(id).describe();
    assert.equal(status.name, 'RUNNING');
    assert.equal(before.length, 1);
    await sleep(2000);
    assert.deepEqual((await pendingTrainings(client, id))[0].heartbeat, before[0].heartbeat);

    spawnWorker('train');
    const result = await searchResult(client, id);
    assert.deepEqual(searchShape(result), searchShape(reference));
    const resumed = result.candidates.filter((c) => c.resumedFromEpoch !== null);
    assert.equal(resumed.length, 1);
    assert.equal(resumed[0].resumedFromEpoch, 1);
    spawnWorker('train');
  });

  test('trains no candidate twice when the control worker dies mid-search', async () => {
    const id = `dur-kill-control-${tag}`;
    await startSearch(id, { dataset }, env);

    // Kill it once a candidate finished and the next one trains, restart it 5 s later.
    let finishedBefore = new Map<string, number>();
    while (finishedBefore.size === 0) {
      await sleep(500);
      finishedBefore = trainCompletions(await activityRuns(client, id));
    }
    await waitForTraining(client, id, (h) => h.epoch >= 1);
    const control = [...workers].filter((w) => w.logFile.includes('control-'));
    control.forEach((w) => w.child.kill('SIGKILL'));
    control.forEach((w) => workers.delete(w));
    await sleep(5000);
    spawnWorker('control');

    const result = await searchResult(client, id);
    assert.deepEqual(searchShape(result), searchShape(reference));
    const counts = trainCompletions(await activityRuns(client, id));
    for (const c of result.candidates) {
      // A grown candidate that took over its probe's model trains nothing itself.
      const expected = c.reusedFrom ? undefined : 1;
      assert.equal(counts.get(c.candidateId), expected, `${c.candidateId} completed training once`);
    }
    for (const [candidateId] of finishedBefore) {
      const record = result.candidates.find((c) => c.candidateId === candidateId);
      assert.equal(record?.attempts.train, 1, `${candidateId} was not retrained`);
    }
  });
});
