// Stage-wise search vs uniform ResNets, printed as the paper's table: for each seed one search,
// then ResNet-20 and the uniform ResNets whose MACs bracket the searched architecture, all with
// the same recipe and seed, through the same workers. Validation decides; test is reported.
//
//   eval "$(npx swnas stack env)"; npx swnas dataset import fashion-mnist
//   node dist/bench/paper-table.js [--budget tiny|small|full] [--seeds 1,2,3]
//        [--dataset fashion-mnist] [--external-workers]
//
// Without --external-workers it starts its own `swnas worker --queue control` and
// `--queue train` processes and stops them at the end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { connectClient } from '../client/temporal';
import { startWorker, type WorkerProcess } from '../test/helpers/workers';
import { BASELINE_WORKFLOW_TYPE } from '../workflows/baseline';
import { CONTROL_TASK_QUEUE } from '../workflows/constants';
import { progressQuery, SEARCH_WORKFLOW_TYPE } from '../workflows/messages';
import type { SearchResult } from '../workflows/search-state';
import { validateSpec, type SearchSpec } from '../workflows/spec';
import {
  BUDGETS,
  bracketingResNets,
  UNIFORM_RESNETS,
  type BudgetName,
  type CostInput,
  type UniformResNet,
} from './paper-table-budget';
import { paperTable, searched, verdict, type SeedRun } from './paper-table-format';

interface Options {
  budget: BudgetName;
  seeds: number[];
  dataset: string;
  externalWorkers: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      budget: { type: 'string', default: 'small' },
      seeds: { type: 'string' },
      dataset: { type: 'string', default: 'fashion-mnist' },
      'external-workers': { type: 'boolean', default: false },
    },
  });
  const budget = values.budget as BudgetName;
  if (!(budget in BUDGETS)) throw new Error(`--budget must be tiny, small or full`);
  const seeds = values.seeds?.split(',').map(Number) ?? BUDGETS[budget].seeds;
  if (!seeds.every((seed) => Number.isInteger(seed) && seed >= 0)) {
    throw new Error(`--seeds wants non-negative integers such as 1,2,3`);
  }
  return { budget, seeds, dataset: values.dataset, externalWorkers: values['external-workers'] };
}

const stampNow = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const minutes = (startMs: number) => ((Date.now() - startMs) / 60_000).toFixed(1);

/** Starts a search or baseline workflow with this spec and resolves with its result. */
async function runWorkflow(client: Client, type: string, id: string, spec: SearchSpec) {
  const startMs = Date.now();
  const handle = await client.workflow.start(type, {
    taskQueue: CONTROL_TASK_QUEUE,
    workflowId: id,
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args: [{ spec }],
  });
  console.log(`started ${type} ${id}`);
  const result = (await handle.result()) as SearchResult;
  console.log(`finished ${id} after ${minutes(startMs)} min`);
  return result;
}

function baselineId(searchId: string, resnet: UniformResNet): string {
  return `${searchId}-${resnet.name.toLowerCase().replace('-', '')}`;
}

/** Image shape and classes of the dataset the search resolved, for MAC counts. */
async function costInput(client: Client, searchId: string, spec: SearchSpec): Promise<CostInput> {
  const progress = await client.workflow.getHandle(searchId).query(progressQuery);
  if (!progress.dataset) throw new Error(`search ${searchId} reports no dataset`);
  return {
    inputShape: progress.dataset.shape,
    classes: progress.dataset.classes,
    widths: spec.widths,
  };
}

/** Runs every seed: searches and ResNet-20 at once, then the bracketing ResNets. */
async function runAll(client: Client, opts: Options, specOf: (seed: number) => SearchSpec) {
  const stamp = stampNow();
  const searchIds = opts.seeds.map((seed) => `paper-${opts.budget}-s${seed}-${stamp}`);
  const baselineRuns = new Map<string, Promise<SearchResult>>();
  const startBaseline = (resnet: UniformResNet, i: number) => {
    const spec = { ...specOf(opts.seeds[i]), initialDepths: resnet.depths };
    const id = baselineId(searchIds[i], resnet);
    const pending = runWorkflow(client, BASELINE_WORKFLOW_TYPE, id, spec);
    // Awaited later; marked handled so a failing search is the error reported, not this one.
    pending.catch(() => undefined);
    baselineRuns.set(id, pending);
  };

  const searches = searchIds.map((id, i) =>
    runWorkflow(client, SEARCH_WORKFLOW_TYPE, id, specOf(opts.seeds[i])),
  );
  searchIds.forEach((_, i) => startBaseline(UNIFORM_RESNETS[0], i));
  const results = await Promise.all(searches);

  const input = await costInput(client, searchIds[0], specOf(opts.seeds[0]));
  const searchedMacs = results.map((search) => searched(search).macs ?? NaN);
  const trained = bracketingResNets(searchedMacs, input);
  for (const resnet of trained.slice(1)) searchIds.forEach((_, i) => startBaseline(resnet, i));

  const runs: SeedRun[] = [];
  for (const [i, search] of results.entries()) {
    const baselines = new Map<string, SearchResult>();
    for (const resnet of trained) {
      const pending = baselineRuns.get(baselineId(searchIds[i], resnet));
      if (pending) baselines.set(resnet.name, await pending);
    }
    runs.push({ seed: opts.seeds[i], search, baselines });
  }
  return { runs, trained, input };
}

/** Rejects as soon as any of our workers exits: the runs would otherwise wait forever. */
function workerExit(workers: WorkerProcess[]): Promise<never> {
  return new Promise((_, reject) => {
    for (const worker of workers) {
      void worker.exited.then((code) =>
        reject(new Error(`worker exited (${String(code)}) early; see ${worker.logFile}`)),
      );
    }
  });
}

function startWorkers(): WorkerProcess[] {
  const logDir = mkdtempSync(join(tmpdir(), 'paper-table-'));
  console.log(`workers log to ${logDir}`);
  return (['control', 'train'] as const).map((queue) =>
    startWorker(queue, join(logDir, `${queue}.log`)),
  );
}

async function main(): Promise<number> {
  const opts = options();
  const budget = BUDGETS[opts.budget];
  const specOf = (seed: number) => validateSpec({ ...budget.spec, dataset: opts.dataset, seed });
  const spec = specOf(opts.seeds[0]);
  const startMs = Date.now();
  console.log(
    `paper table: ${opts.dataset}, budget ${opts.budget} ` +
      `(train limit ${spec.trainLimit ?? 'all'}, ` +
      `${spec.epochs} epochs, ${spec.maxIterations} iterations), seeds ${opts.seeds.join(',')}`,
  );

  const temporal = await connectClient();
  const workers = opts.externalWorkers ? [] : startWorkers();
  const stop = () => void Promise.all(workers.map((w) => w.stop()));
  process.once('SIGINT', stop);
  try {
    const done = runAll(temporal.client, opts, specOf);
    const { runs, trained, input } = await (workers.length
      ? Promise.race([done, workerExit(workers)])
      : done);
    console.log(`\nall runs finished after ${minutes(startMs)} min\n`);
    console.log(paperTable(runs, trained, input));
    console.log('');
    console.log(verdict(runs, trained, input));
    return 0;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await temporal.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
