// Control-queue activity: turns a dataset name into the id and facts a search needs.
import { ApplicationFailure } from '@temporalio/common';
import type { DatasetInfo, ResolveDatasetInput } from '../workflows/activity-types';
import { workerStore } from './candidate-context';
import { DatasetNotFound, resolveDataset } from './dataset-import';
import { toActivityFailure } from './store-errors';

/** The newest import of a dataset name, or exactly the import a full id names. */
export async function resolveDatasetInfo(input: ResolveDatasetInput): Promise<DatasetInfo> {
  try {
    const manifest = await resolveDataset(workerStore(), input.dataset);
    return {
      datasetId: manifest.id,
      shape: manifest.shape,
      classes: manifest.classes,
      trainCount: manifest.counts.train,
      testCount: manifest.counts.test,
    };
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
