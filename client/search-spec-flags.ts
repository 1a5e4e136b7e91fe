// `swnas search start` flags: read an optional spec file, lay the flags over it, validate
// locally with the workflow's own validator so a bad spec never reaches the server.
import { readFileSync } from 'node:fs';
import { describeProblems } from '../workflows/spec-checks';
import { specProblems, validateSpec, type SearchSpec } from '../workflows/spec';
import { UsageError } from './errors';
import { parseFlags } from './search-args';

/** Usage of `swnas search start`. */
export const START_HELP = [
  'usage: swnas search start [--spec file.json] [--dataset NAME] [--initial-depths 2,2,2]',
  '         [--widths 16,32,64] [--growth 2] [--iterations 5] [--components 2]',
  '         [--feature-samples N] [--epochs N] [--batch-size N] [--train-limit N] [--seed N]',
  '         [--id NAME] [--watch]',
  '',
  'Starts a stage-wise search. Flags override the fields of the spec file; every other field',
  'takes its default. The spec is validated before the search starts.',
].join('\n');

/** Flags of `start` that set a spec field, and how to read their text. */
const SPEC_FLAGS: Record<string, { field: keyof SearchSpec; parse: (text: string) => unknown }> = {
  dataset: { field: 'dataset', parse: (text) => text },
  'initial-depths': { field: 'initialDepths', parse: numberList },
  widths: { field: 'widths', parse: numberList },
  growth: { field: 'growthStep', parse: Number },
  iterations: { field: 'maxIterations', parse: Number },
  components: { field: 'components', parse: Number },
  'feature-samples': { field: 'featureSamples', parse: Number },
  epochs: { field: 'epochs', parse: Number },
  'batch-size': { field: 'batchSize', parse: Number },
  'train-limit': { field: 'trainLimit', parse: Number },
  seed: { field: 'seed', parse: Number },
};

/** What `start` was asked to do. */
export interface StartRequest {
  spec: SearchSpec;
  workflowId: string | undefined;
  watch: boolean;
  help: boolean;
}

/** Parses `start` flags into a validated spec; UsageError (exit 2) lists every problem. */
export function parseStartArgs(args: string[]): StartRequest {
  const options = Object.fromEntries(
    Object.keys(SPEC_FLAGS).map((flag) => [flag, { type: 'string' as const }]),
  );
  const { values } = parseFlags(
    {
      args,
      options: {
        ...options,
        spec: { type: 'string' },
        id: { type: 'string' },
        watch: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    START_HELP,
  );
  if (values.help)
    return { spec: {} as SearchSpec, workflowId: undefined, watch: false, help: true };

  const partial: Record<string, unknown> = values.spec ? readSpecFile(String(values.spec)) : {};
  for (const [flag, { field, parse }] of Object.entries(SPEC_FLAGS)) {
    const text = (values as Record<string, unknown>)[flag];
    if (typeof text === 'string') partial[field] = parse(text);
  }

  const problems = specProblems(partial);
  if (problems.length > 0) throw new UsageError(describeProblems(problems));
  const id = typeof values.id === 'string' ? values.id : undefined;
  return { spec: validateSpec(partial), workflowId: id, watch: Boolean(values.watch), help: false };
}

/** A search id from the dataset and the start time, e.g. `fashion-mnist-20250101-120000`. */
export function defaultSearchId(dataset: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${dataset}-${stamp}`;
}

function readSpecFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --spec ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the file must hold one JSON object');
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--spec ${file} is not a JSON spec: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function numberList(text: string): unknown {
  return text.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
}
