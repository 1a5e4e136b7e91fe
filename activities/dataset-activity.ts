// Control-queue activity: turns a dataset name into the id and facts a search needs.
import { ApplicationFailure } from '@temporalio/common';
import type { DatasetInfo, ResolveDatasetInput } from '../workflows/activity-types';
import { workerStore } from './candidate-context';
import { datasetInfo, DatasetNotFound, resolveDataset } from './dataset-import';
import { toActivityFailure } from './store-errors';

/** The newest import of a dataset name, or exactly the import a full id names. */
export async function resolveDatasetInfo(input: ResolveDatasetInput): Promise<DatasetInfo> {
  try {
    return datasetInfo(await resolveDataset(workerStore(), input.dataset));
  } catch (err) {
    if (err instanceof DatasetNotFound) {
      throw ApplicationFailure.create({
        message: err.message,
        type: 'UnknownDataset',
        nonRetryable: true,
      });
    }
    throw toActivityFailure(err);
  }
}
