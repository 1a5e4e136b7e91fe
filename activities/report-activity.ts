// Control-queue activity: renders a search's report and writes it under
// searches/<searchId>/report/. Same keys on every attempt, so a retry overwrites.
import type { DatasetInfo } from '../workflows/activity-types';
import type { WriteReportInput, WriteReportResult } from '../workflows/report-types';
import { workerStore } from './candidate-context';
import { resolveDataset } from './dataset-import';
import { buildReportFiles, reportEnvironment, reportPrefix } from './report';
import type { ObjectStore } from './s3-store';
import { toActivityFailure } from './store-errors';
import { defaultLogger } from './store-log';

/** Writes report.html, report.json and the figures' SVGs of a search to the bucket. */
export async function writeReport(input: WriteReportInput): Promise<WriteReportResult> {
  try {
    return await writeReportTo(workerStore(), input);
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/** writeReport on a given store (tests and the command line pass their own). */
export async function writeReportTo(
  store: ObjectStore,
  input: WriteReportInput,
): Promise<WriteReportResult> {
  const dataset = await datasetOf(store, input);
  const files = await buildReportFiles(input.result, {
    spec: input.spec,
    datasetId: input.datasetId,
    inputShape: dataset.shape,
    classes: dataset.classes,
    environment: reportEnvironment(),
  });

  const prefix = reportPrefix(input.searchId);
  const keys: string[] = [];
  for (const file of files) {
    const key = `${prefix}${file.name}`;
    await store.putObject(key, file.bytes, { contentType: file.contentType });
    keys.push(key);
  }
  defaultLogger.info('report written', { searchId: input.searchId, objects: keys.length });
  return { htmlKey: `${prefix}report.html`, keys };
}

/** The dataset facts given, or those of the search progress, or from the manifest. */
async function datasetOf(
  store: ObjectStore,
  input: WriteReportInput,
): Promise<Pick<DatasetInfo, 'shape' | 'classes'>> {
  if (input.dataset) return input.dataset;
  if ('dataset' in input.result && input.result.dataset) return input.result.dataset;
  const manifest = await resolveDataset(store, input.datasetId);
  return { shape: manifest.shape, classes: manifest.classes };
}
