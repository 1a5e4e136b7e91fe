// `swnas baseline`: trains one uniform ResNet with a search's training recipe, through the
// same workers and activities, to compare a search's result with.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CONTROL_TASK_QUEUE } from '../../workflows/constants';
import { BASELINE_WORKFLOW_TYPE, type baselineTraining } from '../../workflows/baseline';
import { describeProblems } from '../../workflows/spec-checks';
import { specProblems, validateSpec } from '../../workflows/spec';
import { UsageError } from '../errors';
import { parseFlags } from '../search-args';
import { defaultSearchId } from '../search-spec-flags';
import { watchSearch } from '../search-watch';
import { withClient, workflowUiUrl } from '../temporal';

const HELP = `usage: swnas baseline --dataset NAME --depths 3,3,3 [--widths 16,32,64] [--epochs N]
         [--batch-size N] [--train-limit N] [--seed N] [--id NAME] [--watch]

Trains, scores and evaluates one uniform candidate with the recipe of \`swnas search start\`
(every other field of the spec takes its default). Its report goes to
searches/<id>/report/; \`swnas search report <id>\` and \`swnas search result <id>\` read it.`;

const numberList = (text: string) =>
  text.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));

/** Flags that set a spec field, and how to read their text. */
const SPEC_FLAGS: Record<string, { field: string; parse: (text: string) => unknown }> = {
  dataset: { field: 'dataset', parse: (text) => text },
  depths: { field: 'initialDepths', parse: numberList },
  widths: { field: 'widths', parse: numberList },
  epochs: { field: 'epochs', parse: Number },
  'batch-size': { field: 'batchSize', parse: Number },
  'train-limit': { field: 'trainLimit', parse: Number },
  seed: { field: 'seed', parse: Number },
};

/** Entry point of `swnas baseline`. */
export async function run(args: string[]): Promise<number> {
  const flagOptions = Object.fromEntries(
    Object.keys(SPEC_FLAGS).map((flag) => [flag, { type: 'string' as const }]),
  );
  const { values } = parseFlags(
    {
      args,
      options: {
        ...flagOptions,
        id: { type: 'string' },
        watch: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    HELP,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const given = values as Record<string, unknown>;
  if (typeof given.dataset !== 'string' || typeof given.depths !== 'string') {
    throw new UsageError(`--dataset and --depths are required\n\n${HELP}`);
  }

  const partial: Record<string, unknown> = {};
  for (const [flag, { field, parse }] of Object.entries(SPEC_FLAGS)) {
    const text = given[flag];
    if (typeof text === 'string') partial[field] = parse(text);
  }
  const problems = specProblems(partial);
  if (problems.length > 0) throw new UsageError(describeProblems(problems));
  const spec = validateSpec(partial);
  const depthsTag = spec.initialDepths.join('-');
  const workflowId = values.id ?? defaultSearchId(`baseline-${spec.dataset}-${depthsTag}`);

  return withClient(async ({ client, namespace }) => {
    try {
      await client.workflow.start<typeof baselineTraining>(BASELINE_WORKFLOW_TYPE, {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId,
        // The id names the baseline's S3 objects, as a search id does: never reuse one.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ spec }],
        staticSummary: `Baseline on ${spec.dataset} at depths [${spec.initialDepths.join(', ')}]`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      throw new UsageError(
        `a workflow with id '${workflowId}' already exists: choose another --id`,
      );
    }
    console.log(`started baseline ${workflowId}`);
    console.log(workflowUiUrl(namespace, workflowId));
    return values.watch ? watchSearch(client, workflowId) : 0;
  });
}
