// `swnas dataset import | list | show`: datasets in the S3 bucket.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';

import {
  DatasetManifest,
  importDataset,
  listDatasets,
  resolveDataset,
} from '../../activities/dataset-import';
import {
  DatasetSource,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
} from '../../activities/dataset-sources';
import { storeFromEnv } from '../../activities/s3-store';
import { UsageError } from '../errors';

const HELP = `usage:
  swnas dataset import fashion-mnist [--name NAME]
  swnas dataset import (--idx DIR [--classes N] | --cifar10 DIR | --cifar100 DIR | --url URL...)
                       [--name NAME]
  swnas dataset list [--json]
  swnas dataset show NAME|ID

import  decodes IDX (MNIST-style, gzipped or not) or CIFAR-10/100 binary files, checks them and
        writes datasets/<name>-<sha8>/ to the bucket; prints the dataset id. Importing the same
        data again writes nothing. --url may repeat (e.g. four .gz IDX files or one .tar.gz).
show    NAME is a full id, or a name: then the import of that name written last is shown.`;

function fashionMnistDir(): string {
  try {
    const listed = execFileSync('dpkg', ['-L', 'dataset-fashion-mnist'], { encoding: 'utf8' });
    const images = listed.split('\n').find((line) => line.endsWith('train-images-idx3-ubyte.gz'));
    if (images) return dirname(images);
  } catch {
    // dpkg missing or the package not installed: fall back to the package's known path.
  }
  if (existsSync(FASHION_MNIST_DIR)) return FASHION_MNIST_DIR;
  throw new UsageError(
    'Fashion-MNIST is not installed: `apt-get install dataset-fashion-mnist`, or pass --idx DIR',
  );
}

function sourceOf(positional: string[], values: Record<string, unknown>): DatasetSource {
  const chosen = ['idx', 'cifar10', 'cifar100', 'url'].filter((flag) => values[flag] !== undefined);
  const builtin = positional[0];
  if (chosen.length + (builtin ? 1 : 0) !== 1) {
    throw new UsageError(`name exactly one source\n\n${HELP}`);
  }
  if (builtin === 'fashion-mnist') {
    return { kind: 'idx', dir: fashionMnistDir(), classNames: FASHION_MNIST_CLASSES };
  }
  if (builtin) throw new UsageError(`unknown built-in dataset '${builtin}' (known: fashion-mnist)`);

  if (values.idx) {
    const classes = Number(values.classes ?? 10);
    if (!Number.isInteger(classes) || classes < 2 || classes > 256) {
      throw new UsageError(`--classes wants an integer 2..256, got '${String(values.classes)}'`);
    }
    return { kind: 'idx', dir: String(values.idx), classes };
  }
  if (values.cifar10) return { kind: 'cifar10', dir: String(values.cifar10) };
  if (values.cifar100) return { kind: 'cifar100', dir: String(values.cifar100) };
  return { kind: 'url', urls: values.url as string[] };
}

function defaultName(positional: string[], source: DatasetSource): string {
  if (positional[0]) return positional[0];
  if (source.kind === 'cifar10') return 'cifar10';
  if (source.kind === 'cifar100') return 'cifar100';
  const path = source.kind === 'idx' ? source.dir : new URL(source.urls[0]).pathname;
  const stem = basename(path.replace(/\/+$/, '')).replace(/\.(tar\.gz|tgz|tar|gz)$/, '');
  return stem.toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'dataset';
}

async function runImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      idx: { type: 'string' },
      cifar10: { type: 'string' },
      cifar100: { type: 'string' },
      url: { type: 'string', multiple: true },
      classes: { type: 'string' },
      name: { type: 'string' },
    },
  });
  const source = sourceOf(positionals, values);
  const name = values.name ?? defaultName(positionals, source);

  const { manifest, skipped } = await importDataset(storeFromEnv(), { name, source });
  const { train, test } = manifest.counts;
  const verb = skipped ? 'already present' : 'imported';
  console.error(
    `${verb}: ${manifest.id} (${train} train, ${test} test, ${manifest.shape.join('x')})`,
  );
  console.log(manifest.id);
  return 0;
}

function table(manifests: DatasetManifest[]): string {
  const rows = [['ID', 'SHAPE', 'CLASSES', 'TRAIN', 'TEST', 'SOURCE']];
  for (const m of manifests) {
    rows.push([
      m.id,
      m.shape.join('x'),
      `${m.classes}`,
      `${m.counts.train}`,
      `${m.counts.test}`,
      m.source,
    ]);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function runList(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const manifests = await listDatasets(storeFromEnv());
  if (values.json) console.log(JSON.stringify(manifests, null, 2));
  else if (manifests.length === 0)
    console.log('no datasets: import one with `swnas dataset import`');
  else console.log(table(manifests));
  return 0;
}

async function runShow(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError(`show wants one NAME or ID\n\n${HELP}`);
  console.log(JSON.stringify(await resolveDataset(storeFromEnv(), positionals[0]), null, 2));
  return 0;
}

/** Runs `swnas dataset <import|list|show> ...`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(HELP);
    return sub ? 0 : 2;
  }
  if (sub === 'import') return runImport(rest);
  if (sub === 'list') return runList(rest);
  if (sub === 'show') return runShow(rest);
  throw new UsageError(`unknown dataset command '${sub}'\n\n${HELP}`);
}
