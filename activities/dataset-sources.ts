// Where dataset files come from: an IDX or CIFAR directory on disk, or archives downloaded over
// http(s). Finds the files by their usual names and hands them to the codec.
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

import {
  decodeCifar,
  decodeIdx,
  DatasetFormatError,
  DecodedDataset,
  SourceFile,
} from './dataset-codec';

/** Where to import a dataset from. */
export type DatasetSource =
  | { kind: 'idx'; dir: string; classes?: number; classNames?: string[] }
  | { kind: 'cifar10'; dir: string }
  | { kind: 'cifar100'; dir: string }
  | { kind: 'url'; urls: string[] };

/** A decoded dataset with its class names and a line saying where it came from. */
export interface LoadedSource {
  decoded: DecodedDataset;
  classNames: string[];
  description: string;
}

/** Directory of Debian's dataset-fashion-mnist package. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's ten classes, in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const IDX_PATTERNS = {
  trainImages: /^train-images[.-]idx3-ubyte(\.gz)?$/,
  trainLabels: /^train-labels[.-]idx1-ubyte(\.gz)?$/,
  testImages: /^(t10k|test)-images[.-]idx3-ubyte(\.gz)?$/,
  testLabels: /^(t10k|test)-labels[.-]idx1-ubyte(\.gz)?$/,
};

async function listFiles(dir: string, depth = 3): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isFile()) files.push(path);
    else if (entry.isDirectory() && depth > 0) files.push(...(await listFiles(path, depth - 1)));
  }
  return files.sort();
}

async function readSource(path: string): Promise<SourceFile> {
  return { name: path, bytes: await readFile(path) };
}

function findOne(dir: string, files: string[], pattern: RegExp, example: string): string {
  const found = files.find((path) => pattern.test(basename(path)));
  if (!found) throw new DatasetFormatError(dir, `no file like ${example} found`);
  return found;
}

async function readClassNames(path: string | undefined, classes: number): Promise<string[]> {
  const fallback = Array.from({ length: classes }, (_, i) => String(i));
  if (!path) return fallback;
  const names = (await readFile(path, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (names.length !== classes) {
    throw new DatasetFormatError(path, `lists ${names.length} class names, ${classes} expected`);
  }
  return names;
}

async function loadIdx(dir: string, classes: number, classNames?: string[]): Promise<LoadedSource> {
  const files = await listFiles(dir);
  const find = (key: keyof typeof IDX_PATTERNS, example: string) =>
    readSource(findOne(dir, files, IDX_PATTERNS[key], example));
  const decoded = decodeIdx(
    {
      trainImages: await find('trainImages', 'train-images-idx3-ubyte[.gz]'),
      trainLabels: await find('trainLabels', 'train-labels-idx1-ubyte[.gz]'),
      testImages: await find('testImages', 't10k-images-idx3-ubyte[.gz]'),
      testLabels: await find('testLabels', 't10k-labels-idx1-ubyte[.gz]'),
    },
    classes,
  );
  const names = classNames ?? (await readClassNames(undefined, classes));
  return { decoded, classNames: names, description: `idx:${dir}` };
}

async function loadCifar10(dir: string): Promise<LoadedSource> {
  const files = await listFiles(dir);
  const trainPaths = [1, 2, 3, 4, 5].map((n) =>
    findOne(dir, files, new RegExp(`^data_batch_${n}\\.bin$`), `data_batch_${n}.bin`),
  );
  const testPath = findOne(dir, files, /^test_batch\.bin$/, 'test_batch.bin');
  const decoded = decodeCifar(
    await Promise.all(trainPaths.map(readSource)),
    [await readSource(testPath)],
    1,
    10,
  );
  const meta = files.find((path) => basename(path) === 'batches.meta.txt');
  return { decoded, classNames: await readClassNames(meta, 10), description: `cifar10:${dir}` };
}

async function loadCifar100(dir: string): Promise<LoadedSource> {
  const files = await listFiles(dir);
  const train = await readSource(findOne(dir, files, /^train\.bin$/, 'train.bin'));
  const test = await readSource(findOne(dir, files, /^test\.bin$/, 'test.bin'));
  const decoded = decodeCifar([train], [test], 2, 100);
  const meta = files.find((path) => basename(path) === 'fine_label_names.txt');
  return { decoded, classNames: await readClassNames(meta, 100), description: `cifar100:${dir}` };
}

async function download(url: string, dir: string): Promise<string> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DatasetFormatError(url, 'only http(s) URLs can be downloaded');
  }
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`download of ${url} failed: HTTP ${res.status}`);
  const path = join(dir, basename(parsed.pathname) || 'download');
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(path));
  return path;
}

const run = promisify(execFile);

// Downloads every URL; tar archives (.tar, .tar.gz, .tgz) are unpacked, other files
// (e.g. gzipped IDX files) stay as they are, since the parsers read gzip themselves.
async function loadUrls(urls: string[]): Promise<LoadedSource> {
  const dir = await mkdtemp(join(tmpdir(), 'swnas-download-'));
  try {
    for (const url of urls) {
      const path = await download(url, dir);
      if (/\.(tar|tar\.gz|tgz)$/.test(path)) {
        await run('tar', ['-xf', path, '-C', dir]);
        await rm(path);
      }
    }
    const loaded = await loadDetected(dir, urls.join(' '));
    return { ...loaded, description: `url:${urls.join(',')}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadDetected(dir: string, origin: string): Promise<LoadedSource> {
  const names = (await listFiles(dir)).map((path) => basename(path));
  if (names.includes('data_batch_1.bin')) return loadCifar10(dir);
  if (names.includes('train.bin') && names.includes('test.bin')) return loadCifar100(dir);
  if (names.some((name) => IDX_PATTERNS.trainImages.test(name))) return loadIdx(dir, 10);
  throw new DatasetFormatError(origin, 'holds no IDX files and no CIFAR-10/100 batches');
}

/** Reads and decodes a dataset from its source; throws DatasetFormatError on bad files. */
export async function loadSource(source: DatasetSource): Promise<LoadedSource> {
  switch (source.kind) {
    case 'idx':
      if (!existsSync(source.dir)) throw new DatasetFormatError(source.dir, 'no such directory');
      return loadIdx(source.dir, source.classes ?? 10, source.classNames);
    case 'cifar10':
      if (!existsSync(source.dir)) throw new DatasetFormatError(source.dir, 'no such directory');
      return loadCifar10(source.dir);
    case 'cifar100':
      if (!existsSync(source.dir)) throw new DatasetFormatError(source.dir, 'no such directory');
      return loadCifar100(source.dir);
    case 'url':
      return loadUrls(source.urls);
  }
}
