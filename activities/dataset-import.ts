// Dataset import into S3 and lookup by name. A dataset is `datasets/<name>-<sha8>/`: four raw
// objects, then manifest.json written last (a dataset exists once its manifest does). The id is
// content-derived, so importing the same data again finds the manifest and writes nothing.
import { createHash } from 'node:crypto';

import { channelStats, DecodedDataset } from './dataset-codec';
import { DatasetSource, loadSource } from './dataset-sources';
import { ObjectStore, sha256Hex } from './s3-store';
import { ObjectMissing } from './store-errors';
import { DATASET_FILES, DatasetFile, datasetKey, manifestKey } from './store-keys';
import type { DatasetInfo } from '../workflows/activity-types';

/** manifest.json of a dataset: everything a trainer needs besides the raw bytes. */
export interface DatasetManifest {
  format: 'swnas-dataset/1';
  name: string;
  /** `<name>-<first 8 hex of sha256 over the four objects' sha256s>`. */
  id: string;
  /** [h, w, c] of one image; images are uint8 [n, h, w, c], labels uint8 [n]. */
  shape: [number, number, number];
  classes: number;
  classNames: string[];
  counts: { train: number; test: number };
  /** Per-channel mean of the training images on the 0..1 scale. */
  mean: number[];
  /** Per-channel standard deviation of the training images on the 0..1 scale. */
  std: number[];
  sha256: Record<DatasetFile, string>;
  sizeBytes: Record<DatasetFile, number>;
  /** Where the data came from, e.g. `idx:/usr/share/datasets/fashion-mnist`. */
  source: string;
}

/** No complete dataset has that name or id. */
export class DatasetNotFound extends Error {
  override name = 'DatasetNotFound';
}

/** A dataset name that cannot be part of an S3 key and an id. */
export class InvalidDatasetName extends Error {
  override name = 'InvalidDatasetName';
}

/** What an import did. */
export interface ImportResult {
  manifest: DatasetManifest;
  /** True when the same data was already in the store and nothing was written. */
  skipped: boolean;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ID_SUFFIX = /-[0-9a-f]{8}$/;

/** Throws InvalidDatasetName unless `name` is lowercase letters, digits, `.`, `_` and `-`. */
export function checkDatasetName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidDatasetName(
      `dataset name '${name}' must be 1-63 lowercase letters, digits, '.', '_' or '-'`,
    );
  }
}

function objectsOf(decoded: DecodedDataset): Record<DatasetFile, Uint8Array> {
  return {
    'train-images.u8': decoded.train.images,
    'train-labels.u8': decoded.train.labels,
    'test-images.u8': decoded.test.images,
    'test-labels.u8': decoded.test.labels,
  };
}

/** The manifest of decoded data; its id depends on the bytes and the name only. */
export function buildManifest(
  name: string,
  decoded: DecodedDataset,
  classNames: string[],
  source: string,
): DatasetManifest {
  const objects = objectsOf(decoded);
  const sha256 = {} as Record<DatasetFile, string>;
  const sizeBytes = {} as Record<DatasetFile, number>;
  for (const file of DATASET_FILES) {
    sha256[file] = sha256Hex(objects[file]);
    sizeBytes[file] = objects[file].length;
  }
  const digest = createHash('sha256');
  for (const file of DATASET_FILES) digest.update(sha256[file]);

  const { mean, std } = channelStats(decoded.train.images, decoded.shape[2]);
  return {
    format: 'swnas-dataset/1',
    name,
    id: `${name}-${digest.digest('hex').slice(0, 8)}`,
    shape: decoded.shape,
    classes: decoded.classes,
    classNames,
    counts: { train: decoded.train.count, test: decoded.test.count },
    mean,
    std,
    sha256,
    sizeBytes,
    source,
  };
}

/** Options of importDataset. */
export interface ImportOptions {
  /** Dataset name; required (the CLI derives a default from the source). */
  name: string;
  source: DatasetSource;
}

/** Decodes a source, checks it whole, then uploads the four objects and the manifest last. */
export async function importDataset(
  store: ObjectStore,
  options: ImportOptions,
): Promise<ImportResult> {
  checkDatasetName(options.name);
  const { decoded, classNames, description } = await loadSource(options.source);
  const manifest = buildManifest(options.name, decoded, classNames, description);

  const existing = await readManifest(store, manifest.id);
  if (existing) return { manifest: existing, skipped: true };

  // An earlier import may have died after some objects: keep those whose digest matches.
  const objects = objectsOf(decoded);
  for (const file of DATASET_FILES) {
    const key = datasetKey(manifest.id, file);
    const head = await store.head(key);
    if (head?.sha256 === manifest.sha256[file] && head.sizeBytes === manifest.sizeBytes[file]) {
      continue;
    }
    await store.putObject(key, objects[file]);
  }
  await store.putJson(manifestKey(manifest.id), manifest);
  return { manifest, skipped: false };
}

/** The manifest of dataset `id`, or undefined when it is absent (incomplete or never made). */
export async function readManifest(
  store: ObjectStore,
  id: string,
): Promise<DatasetManifest | undefined> {
  try {
    return await store.getJson<DatasetManifest>(manifestKey(id));
  } catch (err) {
    if (err instanceof ObjectMissing) return undefined;
    throw err;
  }
}

/** Every complete dataset in the store, by id. */
export async function listDatasets(store: ObjectStore, name?: string): Promise<DatasetManifest[]> {
  const prefixes = await store.listPrefixes(name ? `datasets/${name}-` : 'datasets/');
  const ids = prefixes
    .map((prefix) => prefix.slice('datasets/'.length, -1))
    .filter((id) => ID_SUFFIX.test(id) && (!name || id.length === name.length + 9));
  const manifests: DatasetManifest[] = [];
  for (const id of ids) {
    const manifest = await readManifest(store, id);
    if (manifest) manifests.push(manifest);
  }
  return manifests;
}

/**
 * The manifest for a full id (`fashion-mnist-1a2b3c4d`) or a name (`fashion-mnist`); a name
 * picks the complete import of that name whose manifest was written last.
 */
export async function resolveDataset(
  store: ObjectStore,
  nameOrId: string,
): Promise<DatasetManifest> {
  if (ID_SUFFIX.test(nameOrId)) {
    const manifest = await readManifest(store, nameOrId);
    if (manifest) return manifest;
  }

  // Limitation: S3 dates have whole seconds, so of two imports of one name within the same
  // second either may be picked; pass the full id to be exact.
  const candidates = await listDatasets(store, nameOrId);
  let newest: { manifest: DatasetManifest; writtenMs: number } | undefined;
  for (const manifest of candidates) {
    const head = await store.head(manifestKey(manifest.id));
    const writtenMs = head?.lastModified?.getTime() ?? 0;
    if (!newest || writtenMs > newest.writtenMs) newest = { manifest, writtenMs };
  }
  if (!newest) {
    throw new DatasetNotFound(
      `no dataset named or with id '${nameOrId}' in bucket ${store.bucket}: ` +
        'import one with `swnas dataset import` (see `swnas dataset list`)',
    );
  }
  return newest.manifest;
}

/** The facts of a manifest that a search carries in its payloads. */
export function datasetInfo(manifest: DatasetManifest): DatasetInfo {
  return {
    datasetId: manifest.id,
    shape: manifest.shape,
    classes: manifest.classes,
    trainCount: manifest.counts.train,
    testCount: manifest.counts.test,
  };
}
