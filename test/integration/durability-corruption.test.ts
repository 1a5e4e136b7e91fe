// Damaged objects in S3 during a search: a checkpoint that rots between two attempts of a
// training, and a dataset object that rots after its import.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { storeFromEnv } from '../../activities/s3-store';
import { epochPrefix } from '../../activities/store-keys';
import {
  activityRuns,
  corruptObject,
  importPatterns,
  searchResult,
  startSearch,
  testClient,
  trainCompletions,
  waitForCheckpoint,
  within,
} from '../helpers/durability';
import { requireStackEnv } from '../helpers/env';
import { startWorker, WorkerProcess } from '../helpers/workers';

describe('a search meets corrupt objects in S3', () => {
  requireStackEnv();
  const tag = randomBytes(3).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'swnas-dur-corrupt-'));
  const store = storeFromEnv();
  const workers: WorkerProcess[] = [];
  let client: Client;
  let logCount = 0;

  const spawnWorker = (queue: 'train' | 'control', cacheDir: string) => {
    const log = join(work, `${queue}-${++logCount}.log`);
    const worker = startWorker(queue, log, { SWNAS_CACHE_DIR: cacheDir });
    workers.push(worker);
    return worker;
  };

  before(async () => {
    client = await testClient();
    spawnWorker('control', join(work, 'cache-control'));
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await client?.connection.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('falls back to the previous checkpoint when the newest is corrupt', async () => {
    const env = { SWNAS_CACHE_DIR: join(work, 'cache-a') };
    const dataset = await importPatterns(`dur-ckpt-${tag}`, env);
    const id = `dur-ckpt-${tag}`;
    const trainer = spawnWorker('train', env.SWNAS_CACHE_DIR);
    await startSearch(id, { dataset }, env);

    // In epoch 3 of `initial` the checkpoints of epochs 1 and 2 exist; kill, then rot epoch 2.
    await waitForCheckpoint(store, id, 'initial', 2);
    trainer.child.kill('SIGKILL');
    assert.equal(trainCompletions(await activityRuns(client, id)).size, 0);
    await corruptObject(store, `${epochPrefix(id, 'initial', 2)}weights.bin`);
    spawnWorker('train', env.SWNAS_CACHE_DIR);

    const result = await searchResult(client, id);
    const initial = result.candidates.find((c) => c.candidateId === 'initial');
    assert.equal(initial?.resumedFromEpoch, 1, 'resumed from epoch 1, skipping the rotten 2');
    assert.deepEqual(
      initial?.epochs.map((e) => e.epoch),
      [1, 2, 3],
    );
    const others = result.candidates.filter((c) => c.candidateId !== 'initial');
    assert.ok(others.every((c) => c.resumedFromEpoch === null));
  });

  test('fails cleanly, once, naming the object, when a dataset object is corrupt', async () => {
    const cacheDir = join(work, 'cache-b');
    const dataset = await importPatterns(`dur-rot-${tag}`, { SWNAS_CACHE_DIR: cacheDir });
    const [folder] = await store.listPrefixes(`datasets/${dataset}-`);
    assert.ok(folder, `no dataset folder for ${dataset}`);
    const key = `${folder.replace(/\/?$/, '/')}train-images.u8`;
    await corruptObject(store, key);

    // A training worker whose cache has never seen this dataset.
    spawnWorker('train', join(work, 'cache-fresh'));
    const id = `dur-rot-${tag}`;
    await startSearch(id, { dataset }, { SWNAS_CACHE_DIR: cacheDir });

    const failure = await within(
      searchResult(client, id).then(
        () => undefined,
        (err: unknown) => err,
      ),
      120_000,
      'the failing search',
    );
    assert.ok(failure instanceof WorkflowFailedError, `search ended with ${String(failure)}`);
    let cause: unknown = failure.cause;
    while (cause instanceof Error && !(cause instanceof ApplicationFailure)) cause = cause.cause;
    assert.ok(cause instanceof ApplicationFailure, 'the failure carries an application error');
    assert.equal(cause.type, 'DatasetCorrupt');
    assert.equal(cause.nonRetryable, true, 'DatasetCorrupt is never retried');
    assert.match(cause.message, new RegExp(key.replace(/[.]/g, '\\.')));
    assert.match(cause.message, /re-import/);

    const trainings = (await activityRuns(client, id)).filter(
      (r) => r.activityType === 'trainCandidate',
    );
    assert.deepEqual(
      trainings.map((r) => r.attempt),
      [1],
      'one training, tried once',
    );
  });
});
