// `swnas arch`: parameters and MACs of a candidate, counted without TensorFlow.
import { parseArgs } from 'node:util';

import { InvalidArchitecture } from '../../activities/architecture';
import { candidateCost } from '../../activities/cost';
import { UsageError } from '../errors';

const HELP = [
  'usage: swnas arch --depths 9,9,9 [--input 32x32x3] [--classes 10] ' +
    '[--widths 16,32,64] [--json]',
  '',
  'Prints the parameters, multiply-accumulates and weighted layers of a candidate ResNet.',
].join('\n');

function integerList(flag: string, text: string, separator: string): number[] {
  const values = text.split(separator).map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value <= 0)) {
    throw new UsageError(
      `--${flag} wants positive integers separated by '${separator}', got '${text}'`,
    );
  }
  return values;
}

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      depths: { type: 'string' },
      input: { type: 'string', default: '32x32x3' },
      classes: { type: 'string', default: '10' },
      widths: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  if (!values.depths) throw new UsageError(`--depths is required\n\n${HELP}`);

  const inputShape = integerList('input', values.input, 'x');
  if (inputShape.length !== 3) {
    throw new UsageError(`--input wants HxWxC, e.g. 32x32x3, got '${values.input}'`);
  }
  return {
    depths: integerList('depths', values.depths, ','),
    inputShape: inputShape as [number, number, number],
    classes: integerList('classes', values.classes, ',')[0],
    widths: values.widths === undefined ? undefined : integerList('widths', values.widths, ','),
    json: values.json,
  };
}

function humanTable(depths: number[], params: number, macs: number, layers: number): string {
  const rows: [string, string][] = [
    ['depths', depths.join(',')],
    ['layers', `${layers} (ResNet-${layers})`],
    ['params', `${params.toLocaleString('en-US')} (${(params / 1e6).toFixed(2)} M)`],
    ['MACs', `${macs.toLocaleString('en-US')} (${(macs / 1e6).toFixed(1)} M)`],
  ];
  return rows.map(([name, value]) => `${name.padEnd(7)} ${value}`).join('\n');
}

/** Runs `swnas arch`; exit code 0, or UsageError for bad flags or an invalid architecture. */
export async function run(args: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${(err as Error).message}\n\n${HELP}`);
  }
  if (!options) {
    console.log(HELP);
    return 0;
  }

  const { json, ...spec } = options;
  let cost;
  try {
    cost = candidateCost(spec);
  } catch (err) {
    if (err instanceof InvalidArchitecture) throw new UsageError(err.message, { cause: err });
    throw err;
  }

  const { params, macs, layers } = cost;
  if (json) console.log(JSON.stringify({ depths: spec.depths, params, macs, layers }));
  else console.log(humanTable(spec.depths, params, macs, layers));
  return 0;
}
