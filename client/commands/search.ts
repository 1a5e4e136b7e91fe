// `swnas search`: start, watch, status, result, stop, cancel and list stage-wise searches.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CONTROL_TASK_QUEUE } from '../../workflows/constants';
import { SEARCH_WORKFLOW_TYPE, stopSignal } from '../../workflows/messages';
import { depthsText } from '../../workflows/progress';
import { DATASET_KEY, STATE_KEY } from '../../workflows/search-attributes';
import type { stageWiseSearch } from '../../workflows/search';
import { UsageError } from '../errors';
import { parseFlags } from '../search-args';
import { listSearches } from '../search-list';
import { defaultSearchId, parseStartArgs, START_HELP } from '../search-spec-flags';
import { pendingSteps, resultView, statusView } from '../search-view';
import { queryProgress, watchSearch } from '../search-watch';
import { withClient, workflowUiUrl, type TemporalClient } from '../temporal';

const HELP = `usage: swnas search <start|watch|status|result|stop|cancel|list|report> [args]

  start [flags]          start a search (swnas search start --help)
  watch <id>             live progress until the search ends (exit 0 completed, 1 otherwise)
  status <id>            the candidate table and the step in flight, once
  result <id> [--json]   the result of a finished search
  stop <id>              finish the current candidate, then return the best so far
  cancel <id>            cancel now; the running training stops within a batch
  list [--json]          searches known to the server, newest first
  report <id> [--out DIR]  write report.html, report.json and the figures' SVGs locally`;

type Subcommand = (args: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, Subcommand> = {
  start,
  watch: (args) => withId(args, (t, id) => watchSearch(t.client, id)),
  status: (args) => withId(args, status),
  result,
  stop: (args) => withId(args, stop),
  cancel: (args) => withId(args, cancel),
  list,
  // Loaded on demand: the report pulls in Vega and the S3 client, which status does not need.
  report: (args) => require('../search-report').runReport(args),
};

/** Entry point of `swnas search`. */
export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const subcommand = SUBCOMMANDS[name];
  if (!subcommand) throw new UsageError(`unknown search command '${name}'\n\n${HELP}`);
  return subcommand(rest);
}

async function start(args: string[]): Promise<number> {
  const request = parseStartArgs(args);
  if (request.help) {
    console.log(START_HELP);
    return 0;
  }
  const { spec } = request;
  const workflowId = request.workflowId ?? defaultSearchId(spec.dataset);

  return withClient(async ({ client, namespace }) => {
    try {
      await client.workflow.start<typeof stageWiseSearch>(SEARCH_WORKFLOW_TYPE, {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId,
        // A search id names its S3 objects: never reuse one, even after the search closed.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ spec }],
        staticSummary:
          `Stage-wise search on ${spec.dataset} ` + `from ${depthsText(spec.initialDepths)}`,
        staticDetails: `\`\`\`json\n${JSON.stringify(spec, null, 2)}\n\`\`\``,
        // Set at start so `list` shows the search before a worker has picked it up.
        typedSearchAttributes: [
          { key: DATASET_KEY, value: spec.dataset },
          { key: STATE_KEY, value: 'running' },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      throw new UsageError(`a search with id '${workflowId}' already exists: choose another --id`);
    }
    console.log(`started search ${workflowId}`);
    console.log(workflowUiUrl(namespace, workflowId));
    return request.watch ? watchSearch(client, workflowId) : 0;
  });
}

async function status({ client }: TemporalClient, workflowId: string): Promise<number> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const progress = await queryProgress(handle);
  console.log(statusView(workflowId, description.status.name, progress, pendingSteps(description)));
  return 0;
}

async function result(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    { args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true },
    HELP,
  );
  const workflowId = singleId(positionals);

  return withClient(async ({ client }) => {
    const handle = client.workflow.getHandle<typeof stageWiseSearch>(workflowId);
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') {
      console.error(`search ${workflowId} is still running: swnas search watch ${workflowId}`);
      return 1;
    }
    const outcome = await handle.result();
    console.log(values.json ? JSON.stringify(outcome, null, 2) : resultView(outcome));
    return 0;
  });
}

async function stop({ client }: TemporalClient, workflowId: string): Promise<number> {
  await client.workflow.getHandle(workflowId).signal(stopSignal);
  console.log(
    `stop requested: ${workflowId} finishes its current candidate, then returns the best`,
  );
  return 0;
}

async function cancel({ client }: TemporalClient, workflowId: string): Promise<number> {
  await client.workflow.getHandle(workflowId).cancel();
  console.log(`cancellation requested: ${workflowId} stops its running step and ends cancelled`);
  return 0;
}

async function list(args: string[]): Promise<number> {
  const options = {
    json: { type: 'boolean', default: false },
    limit: { type: 'string', default: '50' },
  } as const;
  const { values } = parseFlags({ args, options }, HELP);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit wants a positive integer`);
  return withClient(({ client }: { client: Client }) => listSearches(client, limit, values.json));
}

async function withId(
  args: string[],
  body: (temporal: TemporalClient, workflowId: string) => Promise<number>,
): Promise<number> {
  const { positionals } = parseFlags({ args, options: {}, allowPositionals: true }, HELP);
  const workflowId = singleId(positionals);
  return withClient((temporal) => body(temporal, workflowId));
}

function singleId(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`give exactly one search id\n\n${HELP}`);
  return positionals[0];
}
