// What the train, score and evaluate activities share: the store, the worker's in-memory copy
// of the dataset, the candidate's architecture, and the mapping of errors to Temporal failures.
import { hostname } from 'node:os';
import { ApplicationFailure } from '@temporalio/common';
import type { CandidateInput } from '../workflows/activity-types';
import type { ArchitectureSpec } from './architecture';
import { loadDataset, type LoadedDataset } from './dataset-cache';
import { storeFromEnv, type ObjectStore } from './s3-store';
import { searchData, type SearchData } from './search-data';
import { toActivityFailure } from './store-errors';

let store: ObjectStore | undefined;

/** One store per worker process; it reads AWS_* and SWNAS_BUCKET once. */
export function workerStore(): ObjectStore {
  store ??= storeFromEnv();
  return store;
}

// A worker keeps the splits of the last dataset and spec it trained on: the candidates of a
// search arrive one after another, and reloading 50,000 images per activity is waste.
let cached: { key: string; data: SearchData; dataset: LoadedDataset } | undefined;

/** The train / validation / test splits of the input's dataset, through the local cache. */
export async function candidateData(input: CandidateInput): Promise<SearchData> {
  const { spec } = input;
  const key = JSON.stringify([
    input.datasetId,
    spec.trainLimit,
    spec.validationFraction,
    spec.seed,
  ]);
  if (cached?.key === key) return cached.data;
  cached = undefined;
  const dataset = await loadDataset(workerStore(), input.datasetId);
  const data = searchData(dataset, spec);
  cached = { key, data, dataset };
  return data;
}

/** The candidate's architecture as the model builder and the cost count take it. */
export function architectureOf(input: CandidateInput, data: SearchData): ArchitectureSpec {
  const [height, width, channels] = data.train.shape;
  return {
    inputShape: [height, width, channels],
    classes: data.classes,
    depths: input.depths,
    widths: input.spec.widths,
  };
}

/** Names this worker in results, so a history shows where each candidate ran. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

const NON_RETRYABLE_TRAINING_ERRORS = ['NonFiniteLoss', 'InvalidArchitecture', 'InvalidImages'];

/** Errors no retry can fix become non-retryable failures with their name as the type. */
export function toFailure(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (/out of memory|OOM|Cannot allocate memory|std::bad_alloc/i.test(err.message)) {
    return ApplicationFailure.create({
      message: `out of memory: ${err.message}; lower the batch size or the depths`,
      type: 'OutOfMemory',
      nonRetryable: true,
      cause: err,
    });
  }
  if (NON_RETRYABLE_TRAINING_ERRORS.includes(err.name)) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.name,
      nonRetryable: true,
      cause: err,
    });
  }
  return toActivityFailure(err);
}
