// The services dying under a search, on a stack of the test's own: SeaweedFS SIGKILLed for
// 30 s while a candidate trains, and the Temporal dev server SIGKILLed and restarted on its
// SQLite file. The searches complete; nothing complete is retrained, nothing torn is resumed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { latestCheckpoint } from '../../activities/checkpoint';
import { ObjectStore } from '../../activities/s3-store';
import { createS3Client } from '../../activities/s3-client';
import { stackEnv } from '../../infra/stack-config';
import type { SearchResult } from '../../workflows/search-state';
import {
  activityRuns,
  importPatterns,
  searchResult,
  startSearch,
  testClient,
  trainCompletions,
  waitForCheckpoint,
} from '../helpers/durability';
import { createPrivateStack, type PrivateStack } from '../helpers/private-stack';
import { startWorker, WorkerProcess } from '../helpers/workers';

/** Retries enough to outlast a 30 s outage of S3 or Temporal. */
const PATIENT = { retry: { maximumAttempts: 30, initialIntervalMs: 500, maximumIntervalMs: 4000 } };

/** Train attempts and resume epoch of each candidate, for the test's diagnostics. */
const attemptsText = (result: SearchResult) =>
  result.candidates
    .map(
      (c) => `${c.candidateId}: train attempt ${c.attempts.train}, resumed ${c.resumedFromEpoch}`,
    )
    .join('; ');

/** SIGKILLs a service of the private stack through its pid file, as a crash would. */
function killService(stack: PrivateStack, name: 'temporal' | 'seaweedfs'): void {
  const pid = Number(readFileSync(join(stack.config.dataDir, 'logs', `${name}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
}

describe('a search survives its services dying', () => {
  const tag = randomBytes(3).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'swnas-dur-services-'));
  const workers: WorkerProcess[] = [];
  let stack: PrivateStack;
  let env: NodeJS.ProcessEnv;
  let store: ObjectStore;
  let client: Client;
  let dataset = '';

  before(async () => {
    stack = await createPrivateStack();
    await stack.up();
    env = { ...stackEnv(stack.config), SWNAS_CACHE_DIR: join(work, 'cache') };
    const s3 = createS3Client({
      endpoint: env.AWS_ENDPOINT_URL_S3,
      credentials: {
        accessKeyId: stack.config.accessKeyId,
        secretAccessKey: stack.config.secretAccessKey,
      },
    });
    store = new ObjectStore({ bucket: stack.config.bucket, client: s3 });
    client = await testClient(env.TEMPORAL_ADDRESS);
    dataset = await importPatterns(`dur-services-${tag}`, env);
    workers.push(
      startWorker('control', join(work, 'control.log'), env),
      startWorker('train', join(work, 'train.log'), env),
    );
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await client?.connection.close();
    await stack?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  test('completes when S3 is down for 30 s mid-training, resuming no torn checkpoint', async (t) => {
    const id = `dur-s3-${tag}`;
    await startSearch(id, { dataset, ...PATIENT }, env);

    // Down as epoch 2 starts, so that its checkpoint meets the outage.
    await waitForCheckpoint(store, id, 'initial', 1);
    killService(stack, 'seaweedfs');
    await sleep(30_000);
    await stack.up();

    const result = await searchResult(client, id, 300_000);
    t.diagnostic(attemptsText(result));
    assert.ok(result.candidates.length >= 2);
    for (const c of result.candidates) {
      assert.deepEqual(
        c.epochs.map((e) => e.epoch),
        [1, 2, 3],
        `${c.candidateId} has every epoch`,
      );
      const warnings: string[] = [];
      const logger = { info: () => undefined, warn: (message: string) => warnings.push(message) };
      const newest = await latestCheckpoint(store, id, c.candidateId, logger);
      assert.equal(newest?.epoch, 3);
      assert.deepEqual(warnings, [], `${c.candidateId}'s complete checkpoints all verify`);
    }
    // A resume that met a checkpoint marked complete but failing its digests would log this.
    const trainLog = readFileSync(join(work, 'train.log'), 'utf8');
    assert.doesNotMatch(trainLog, /checkpoint unreadable/);
  });

  test('completes without retraining finished candidates when Temporal restarts', async (t) => {
    const id = `dur-temporal-${tag}`;
    await startSearch(id, { dataset, ...PATIENT }, env);

    // Once `initial` has finished and the probe is in epoch 2, crash the server.
    let finished = new Map<string, number>();
    while (!finished.has('initial')) {
      await sleep(500);
      finished = trainCompletions(await activityRuns(client, id));
    }
    await waitForCheckpoint(store, id, 'it1-probe', 1);
    killService(stack, 'temporal');
    await sleep(3000);
    await stack.up();

    const result = await searchResult(client, id, 300_000);
    t.diagnostic(attemptsText(result));
    const counts = trainCompletions(await activityRuns(client, id));
    for (const c of result.candidates) {
      // A grown candidate that took over its probe's model trains nothing itself.
      assert.equal(counts.get(c.candidateId), c.reusedFrom ? undefined : 1, c.candidateId);
    }
    const initial = result.candidates.find((c) => c.candidateId === 'initial');
    assert.equal(initial?.attempts.train, 1, 'initial was not retrained');
  });
});
