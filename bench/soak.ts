// Soak of the durability scenarios: a training worker SIGKILLed, the Temporal server SIGKILLed
// and restarted, SeaweedFS down for a while, each repeated N times on a private stack while a
// random candidate trains, at a random epoch, and compared with one undisturbed run.
// Run: node dist/bench/soak.js [--runs 10] [--seed 1]   (needs no stack of its own)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { stackEnv } from '../infra/stack-config';
import {
  importPatterns,
  searchResult,
  searchShape,
  startSearch,
  testClient,
  terminateOpen,
  pendingTrainings,
  DURABLE_SPEC,
} from '../test/helpers/durability';
import { createPrivateStack, type PrivateStack } from '../test/helpers/private-stack';
import { startWorker, type WorkerProcess } from '../test/helpers/workers';
import { progressQuery } from '../workflows/messages';
import { trainedCandidates, type SearchResult } from '../workflows/search-state';

type Scenario = 'kill-train' | 'kill-temporal' | 'stop-s3';
const SCENARIOS: Scenario[] = ['kill-train', 'kill-temporal', 'stop-s3'];
const PATIENT = { retry: { maximumAttempts: 30, initialIntervalMs: 500, maximumIntervalMs: 4000 } };

interface Tally {
  runs: number;
  completed: number;
  candidatesLost: number;
  epochsRepeated: number;
  fallbacks: number;
}

interface Soak {
  stack: PrivateStack;
  env: NodeJS.ProcessEnv;
  client: Client;
  work: string;
  dataset: string;
  trainers: WorkerProcess[];
  random: () => number;
}

/** A small seeded generator (mulberry32) so that a soak's kill points can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function killService(stack: PrivateStack, name: 'temporal' | 'seaweedfs'): void {
  const pid = Number(readFileSync(join(stack.config.dataDir, 'logs', `${name}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
}

function spawnTrainer(soak: Soak): void {
  const log = join(soak.work, `train-${soak.trainers.length + 1}.log`);
  soak.trainers.push(startWorker('train', log, soak.env));
}

/**
 * Polls until `candidateId` trains past `killEpoch`; the candidate's training and where it
 * stands. A target that finishes between two polls hands over to whichever candidate trains
 * next, so that every run is disturbed.
 */
async function trainingOf(soak: Soak, id: string, candidateId: string, killEpoch: number) {
  const handle = soak.client.workflow.getHandle(id);
  let target: string | null = candidateId;
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const progress = await handle.query(progressQuery);
    if (target && progress.candidates.some((c) => c.candidateId === target)) target = null;
    const running = progress.running;
    if (running?.step === 'train' && (target === null || running.candidateId === target)) {
      const pending = (await pendingTrainings(soak.client, id)).find(
        (p) => p.activityType === 'trainCandidate' && (p.heartbeat?.epoch ?? 0) >= killEpoch,
      );
      if (pending) return { pending, candidateId: running.candidateId };
    }
    await sleep(100);
  }
  throw new Error(`no training of ${id} reached epoch ${killEpoch} within 300 s`);
}

/**
 * Disturbs the search while a randomly drawn candidate of the reference run trains, at a
 * random epoch; returns the candidate and its complete epochs then.
 */
async function disturb(soak: Soak, scenario: Scenario, id: string, reference: SearchResult) {
  const trained = trainedCandidates(reference.candidates);
  const target = trained[Math.floor(soak.random() * trained.length)].candidateId;
  // Heartbeats are throttled to one per ~2 s, which on this tiny data can be a whole epoch:
  // a kill point in the last epoch may never be seen, so it is drawn from the earlier ones.
  const killEpoch = 1 + Math.floor(soak.random() * (DURABLE_SPEC.epochs - 1));
  const { pending, candidateId } = await trainingOf(soak, id, target, killEpoch);
  const epochsDone = (pending.heartbeat?.epoch ?? 1) - 1;

  if (scenario === 'kill-train') {
    const pid = Number(pending.workerIdentity.split('@')[0]);
    soak.trainers.find((w) => w.child.pid === pid)?.child.kill('SIGKILL');
    spawnTrainer(soak);
  } else {
    const service = scenario === 'kill-temporal' ? 'temporal' : 'seaweedfs';
    const downMs =
      scenario === 'kill-temporal' ? 1000 + soak.random() * 4000 : 10_000 + soak.random() * 15_000;
    killService(soak.stack, service);
    await sleep(downMs);
    await soak.stack.up();
  }
  return { candidateId, epochsDone };
}

/** Runs one disturbed search and adds its outcome to the tally. */
async function soakRun(soak: Soak, scenario: Scenario, reference: SearchResult, tally: Tally) {
  const id = `soak-${scenario}-${randomBytes(3).toString('hex')}`;
  tally.runs++;
  await startSearch(id, { dataset: soak.dataset, ...PATIENT }, soak.env);
  try {
    const { candidateId, epochsDone } = await disturb(soak, scenario, id, reference);
    const result = await searchResult(soak.client, id, 600_000);
    const got = new Set(searchShape(result).candidates.map((c) => c.id));
    const lost = searchShape(reference).candidates.filter((c) => !got.has(c.id)).length;
    const hit = result.candidates.find((c) => c.candidateId === candidateId);
    const resumedAt = hit?.attempts.train === 1 ? epochsDone : (hit?.resumedFromEpoch ?? 0);
    tally.completed++;
    tally.candidatesLost += lost;
    tally.epochsRepeated += Math.max(0, epochsDone - resumedAt);
    if (hit?.resumedFromEpoch !== null && resumedAt < epochsDone) tally.fallbacks++;
    console.log(
      `${id}: ok, killed ${candidateId} after ${epochsDone} epochs, resumed at ${resumedAt}`,
    );
  } catch (err) {
    console.log(`${id}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    await terminateOpen(soak.client, [id]);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '10' }, seed: { type: 'string', default: '1' } },
  });
  const runs = Number(values.runs);
  const stack = await createPrivateStack();
  const work = mkdtempSync(join(tmpdir(), 'swnas-soak-'));
  const workers: WorkerProcess[] = [];
  try {
    // 1. A private stack, the dataset, a control worker and two training workers.
    await stack.up();
    const env: NodeJS.ProcessEnv = {
      ...stackEnv(stack.config),
      SWNAS_CACHE_DIR: join(work, 'cache'),
    };
    const client = await testClient(env.TEMPORAL_ADDRESS);
    const dataset = await importPatterns(`soak-${randomBytes(3).toString('hex')}`, env);
    const soak: Soak = {
      stack,
      env,
      client,
      work,
      dataset,
      trainers: workers,
      random: seeded(Number(values.seed)),
    };
    workers.push(startWorker('control', join(work, 'control.log'), env));
    spawnTrainer(soak);
    spawnTrainer(soak);

    // 2. The undisturbed reference, then every scenario `runs` times.
    const referenceId = `soak-reference-${randomBytes(3).toString('hex')}`;
    await startSearch(referenceId, { dataset, ...PATIENT }, env);
    const reference = await searchResult(client, referenceId, 600_000);
    const tallies = new Map<Scenario, Tally>();
    for (let run = 0; run < runs; run++) {
      for (const scenario of SCENARIOS) {
        if (!tallies.has(scenario)) {
          tallies.set(scenario, {
            runs: 0,
            completed: 0,
            candidatesLost: 0,
            epochsRepeated: 0,
            fallbacks: 0,
          });
        }
        await soakRun(soak, scenario, reference, tallies.get(scenario) as Tally);
      }
    }

    // 3. The table.
    console.log(
      '\n| scenario | runs | completed | candidates lost ' +
        '| epochs repeated | checkpoint fallbacks |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const [scenario, t] of tallies) {
      console.log(
        `| ${scenario} | ${t.runs} | ${t.completed} | ${t.candidatesLost} ` +
          `| ${t.epochsRepeated} | ${t.fallbacks} |`,
      );
    }
    await client.connection.close();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await stack.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`soak: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
