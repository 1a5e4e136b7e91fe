// The worker's local copy of datasets: each object is downloaded once into the cache directory,
// checked against the manifest's size and sha256 on every load, and fetched again if damaged.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { DatasetManifest, DatasetNotFound, readManifest } from './dataset-import';
import { ObjectStore } from './s3-store';
import { ObjectCorrupt } from './store-errors';
import { defaultLogger, Logger } from './store-log';
import { DATASET_FILES, DatasetFile, datasetKey } from './store-keys';

/** A dataset object in S3 does not match its manifest; only a new import can fix it. */
export class DatasetCorrupt extends Error {
  override name = 'DatasetCorrupt';
}

/** Images uint8 [count, h, w, c] and labels uint8 [count] of one split. */
export interface SplitBytes {
  images: Uint8Array;
  labels: Uint8Array;
}

/** A dataset in memory, and which of its files this load had to download. */
export interface LoadedDataset {
  manifest: DatasetManifest;
  train: SplitBytes;
  test: SplitBytes;
  fetched: DatasetFile[];
}

/** SWNAS_CACHE_DIR, else `${XDG_CACHE_HOME:-~/.cache}/swnas/datasets`. */
export function defaultCacheDir(): string {
  if (process.env.SWNAS_CACHE_DIR) return process.env.SWNAS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'swnas', 'datasets');
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readValid(
  path: string,
  sizeBytes: number,
  sha256: string,
): Promise<Uint8Array | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info || info.size !== sizeBytes) return undefined;
  const bytes = await readFile(path);
  return sha256Hex(bytes) === sha256 ? bytes : undefined;
}

async function fetchFile(
  store: ObjectStore,
  manifest: DatasetManifest,
  file: DatasetFile,
  path: string,
): Promise<Uint8Array> {
  const key = datasetKey(manifest.id, file);
  const reimport = `re-import the dataset with \`swnas dataset import\``;
  try {
    await store.getToFile(key, path);
  } catch (err) {
    if (err instanceof ObjectCorrupt) {
      throw new DatasetCorrupt(`dataset object ${key} is corrupt in S3: ${reimport}`, {
        cause: err,
      });
    }
    throw err;
  }
  const bytes = await readValid(path, manifest.sizeBytes[file], manifest.sha256[file]);
  if (!bytes) {
    throw new DatasetCorrupt(`dataset object ${key} does not match its manifest: ${reimport}`);
  }
  return bytes;
}

/** Options of loadDataset. */
export interface LoadOptions {
  /** Cache directory; default defaultCacheDir(). */
  cacheDir?: string;
  logger?: Logger;
}

/** Loads dataset `id` through the local cache, downloading only missing or damaged files. */
export async function loadDataset(
  store: ObjectStore,
  id: string,
  options: LoadOptions = {},
): Promise<LoadedDataset> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const log = options.logger ?? defaultLogger;
  const manifest = await readManifest(store, id);
  if (!manifest) {
    throw new DatasetNotFound(`dataset ${id} has no manifest in bucket ${store.bucket}`);
  }

  const loaded = {} as Record<DatasetFile, Uint8Array>;
  const fetched: DatasetFile[] = [];
  for (const file of DATASET_FILES) {
    const path = join(cacheDir, id, file);
    const cached = await readValid(path, manifest.sizeBytes[file], manifest.sha256[file]);
    if (cached) {
      loaded[file] = cached;
      continue;
    }
    const meta = { datasetId: id, file, path };
    if (existsSync(path)) log.warn('cached dataset file is damaged; fetching it again', meta);
    else log.info('fetching dataset file into the cache', meta);
    loaded[file] = await fetchFile(store, manifest, file, path);
    fetched.push(file);
  }

  return {
    manifest,
    train: { images: loaded['train-images.u8'], labels: loaded['train-labels.u8'] },
    test: { images: loaded['test-images.u8'], labels: loaded['test-labels.u8'] },
    fetched,
  };
}
