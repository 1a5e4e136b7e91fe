// Shared pieces of the durability tests: a search started through the CLI with short
// heartbeat and retry settings, heartbeat polling, and readings of a search's event history
// (which worker ran which training, how often each candidate completed).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ObjectStore } from '../../activities/s3-store';
import { epochPrefix } from '../../activities/store-keys';
import type { CandidateInput, TrainHeartbeat } from '../../workflows/activity-types';
import type { SearchResult } from '../../workflows/search-state';
import { runCli } from './cli';
import { writePatternDataset } from './pattern-dataset';

/** Spec fields every durability search shares: tiny, 3 epochs of 14 batches, fast retries. */
export const DURABLE_SPEC = {
  epochs: 3,
  batchSize: 32,
  maxIterations: 1,
  featureSamples: 120,
  seed: 7,
  augment: { cropPadding: 0, flip: false },
  retry: { maximumAttempts: 8, initialIntervalMs: 500, maximumIntervalMs: 2000 },
  timeouts: { heartbeatMs: 5000 },
};

/** Imports the pattern image set under a fresh name and returns the name. */
export async function importPatterns(name: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const dir = writePatternDataset();
  try {
    const imported = await runCli(['dataset', 'import', '--idx', dir, '--name', name], env);
    assert.equal(imported.code, 0, `dataset import failed: ${imported.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return name;
}

/** Starts a search through `swnas search start --spec` (no watch); fails the test if refused. */
export async function startSearch(
  id: string,
  spec: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'swnas-spec-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({ ...DURABLE_SPEC, ...spec }));
  try {
    const started = await runCli(['search', 'start', '--spec', file, '--id', id], env);
    assert.equal(started.code, 0, `search start failed: ${started.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A client on TEMPORAL_ADDRESS (or the given address); close its connection when done. */
export async function testClient(address = process.env.TEMPORAL_ADDRESS): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
}

/** Rejects after `timeoutMs` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The search's result, failing the test after `timeoutMs`. */
export function searchResult(client: Client, id: string, timeoutMs = 240_000) {
  return within(client.workflow.getHandle(id).result() as Promise<SearchResult>, timeoutMs, id);
}

/** A training in flight, as describe() shows it. */
export interface PendingTraining {
  activityType: string;
  attempt: number;
  workerIdentity: string;
  heartbeat: TrainHeartbeat | undefined;
}

/** The search's pending activities with their decoded heartbeat details. */
export async function pendingTrainings(client: Client, id: string): Promise<PendingTraining[]> {
  const description = await client.workflow.getHandle(id).describe();
  return (description.raw.pendingActivities ?? []).map((activity) => {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    return {
      activityType: activity.activityType?.name ?? '',
      attempt: activity.attempt ?? 0,
      workerIdentity: activity.lastWorkerIdentity ?? '',
      heartbeat: payload ? defaultPayloadConverter.fromPayload<TrainHeartbeat>(payload) : undefined,
    };
  });
}

/** Polls until a training of the search heartbeats a state that `accept` takes. */
export async function waitForTraining(
  client: Client,
  id: string,
  accept: (heartbeat: TrainHeartbeat) => boolean,
  timeoutMs = 180_000,
): Promise<PendingTraining> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await pendingTrainings(client, id)).find(
      (p) => p.activityType === 'trainCandidate' && p.heartbeat && accept(p.heartbeat),
    );
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`no training of ${id} reached the awaited heartbeat within ${timeoutMs} ms`);
}

/** One activity of a history: type, candidate, and its final attempt's start and end. */
export interface ActivityRun {
  activityType: string;
  candidateId: string;
  identity: string;
  attempt: number;
  startedMs: number;
  completedMs: number | undefined;
}

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

function eventMs(event: HistoryEvent): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

/** Every activity of the search's history (all of its runs when it continued as new). */
export async function activityRuns(client: Client, id: string): Promise<ActivityRun[]> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  const byScheduled = new Map<string, ActivityRun>();
  for (const event of history.events ?? []) {
    const key = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const payload = scheduled.input?.payloads?.[0];
      const input = payload ? defaultPayloadConverter.fromPayload<CandidateInput>(payload) : null;
      byScheduled.set(key, {
        activityType: scheduled.activityType?.name ?? '',
        candidateId: input?.candidateId ?? '',
        identity: '',
        attempt: 0,
        startedMs: 0,
        completedMs: undefined,
      });
    }
    const started = event.activityTaskStartedEventAttributes;
    const run = started && byScheduled.get(String(started.scheduledEventId));
    if (started && run) {
      run.identity = started.identity ?? '';
      run.attempt = started.attempt ?? 0;
      run.startedMs = eventMs(event);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const done = completed && byScheduled.get(String(completed.scheduledEventId));
    if (done) done.completedMs = eventMs(event);
  }
  return [...byScheduled.values()];
}

/** How many times each candidate's trainCandidate completed, by candidate id. */
export function trainCompletions(runs: ActivityRun[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of runs) {
    if (run.activityType !== 'trainCandidate' || run.completedMs === undefined) continue;
    counts.set(run.candidateId, (counts.get(run.candidateId) ?? 0) + 1);
  }
  return counts;
}

/** The search's history with every payload decoded to text, for grepping. */
export async function historyText(client: Client, id: string): Promise<string> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  return JSON.stringify(history, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
  );
}

/** What the tests compare between a disturbed and an undisturbed run of the same spec. */
export function searchShape(result: SearchResult) {
  return {
    candidates: result.candidates.map((c) => ({ id: c.candidateId, depths: c.depths })),
    decisions: result.decisions.map((d) => ({ grow: d.grow, nextDepths: d.nextDepths })),
    finalDepths: result.finalDepths,
  };
}

/** `${pid}@${host}` names a worker in histories; results name it `${host}:${pid}`. */
export const pidOfIdentity = (identity: string) => Number(identity.split('@')[0]);

/** The pid in a result's `worker` field (`host:pid`). */
export const pidOfWorkerName = (worker: string) => Number(worker.split(':').at(-1));

/**
 * Overwrites an object with random bytes of its size while keeping its recorded sha256, as
 * bit rot on a disk would; returns the old size.
 */
export async function corruptObject(store: ObjectStore, key: string): Promise<number> {
  const info = await store.head(key);
  assert.ok(info, `${key} does not exist`);
  const garbage = randomBytes(info.sizeBytes);
  await store.client.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: garbage,
      Metadata: info.sha256 ? { sha256: info.sha256 } : {},
    }),
  );
  return info.sizeBytes;
}

/** Terminates those of the searches that are still open, so a failed test leaves none behind. */
export async function terminateOpen(client: Client, ids: string[]): Promise<void> {
  for (const id of ids) {
    const handle = client.workflow.getHandle(id);
    const open = await handle.describe().then(
      (d) => d.status.name === 'RUNNING',
      () => false,
    );
    if (open) await handle.terminate('durability test cleanup');
  }
}

/**
 * Polls S3 every 100 ms until the candidate's checkpoint of `epoch` is complete (its state.json
 * exists). Exact where heartbeats are not: the SDK sends them at most every 2 s.
 */
export async function waitForCheckpoint(
  store: ObjectStore,
  searchId: string,
  candidateId: string,
  epoch: number,
  timeoutMs = 180_000,
): Promise<void> {
  const key = `${epochPrefix(searchId, candidateId, epoch)}state.json`;
  const deadline = Date.now() + timeoutMs;
  while (!(await store.exists(key))) {
    if (Date.now() > deadline) throw new Error(`${key} did not appear within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The identity (`pid@host`) of the worker running the search's training now. */
export async function trainingWorker(client: Client, id: string): Promise<string> {
  const training = (await pendingTrainings(client, id)).find(
    (p) => p.activityType === 'trainCandidate',
  );
  assert.ok(training?.workerIdentity, `${id} has no training in flight`);
  return training.workerIdentity;
}
