// `swnas pls-vip [--components N] [FILE]`: VIP scores of features given as JSON, for checking
// the PLS/VIP module against other implementations.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { plsVip, PlsInputError } from '../../activities/pls-vip';
import { UsageError } from '../errors';

const USAGE = `usage: swnas pls-vip [--components N] [FILE]

Reads {"x": number[][], "labels": number[], "nComponents"?: number} from FILE (or stdin
when FILE is absent or '-') and prints {"vip": number[], "meanVip": number}.
--components overrides nComponents (default 2).`;

/** Prints the VIP of every feature and their mean; exit code 0. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`give at most one FILE\n\n${USAGE}`);

  const flagComponents =
    values.components === undefined ? undefined : parseComponents(values.components);
  const file = positionals[0];
  const source = file === undefined || file === '-' ? 'stdin' : file;
  const text = source === 'stdin' ? await readStdin() : await readFile(source, 'utf8');
  const request = parseRequest(text, source);

  const components = flagComponents ?? request.components;
  const { vip, meanVip } = plsVip({ x: request.x, labels: request.labels, components });
  console.log(JSON.stringify({ vip, meanVip }));
  return 0;
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        components: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // The message already carries parseArgs' text; a cause would print it twice.
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
}

function parseComponents(text: string): number {
  const components = Number(text);
  if (!Number.isInteger(components) || components < 1) {
    throw new UsageError(`--components is '${text}': give a positive integer`);
  }
  return components;
}

function parseRequest(
  text: string,
  source: string,
): { x: number[][]; labels: number[]; components?: number } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new PlsInputError(`${source} is not valid JSON`, { cause: err });
  }

  const { x, labels, nComponents } = (body ?? {}) as Record<string, unknown>;
  if (!Array.isArray(x)) throw new PlsInputError(`${source}: "x" must be an array of rows`);
  if (!Array.isArray(labels)) throw new PlsInputError(`${source}: "labels" must be an array`);
  if (nComponents !== undefined && typeof nComponents !== 'number') {
    throw new PlsInputError(`${source}: "nComponents" must be a number`);
  }
  return { x, labels, components: nComponents };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
