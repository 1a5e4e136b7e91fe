// `swnas search report <id> [--out DIR]`: the report of a search (finished: its result; running:
// its progress) written as files to a local folder, the same files writeReport puts in S3.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { datasetInfo, resolveDataset } from '../activities/dataset-import';
import { buildReportFiles, reportEnvironment } from '../activities/report';
import { storeFromEnv } from '../activities/s3-store';
import type { DatasetInfo } from '../workflows/activity-types';
import type { SearchProgress, SearchResult } from '../workflows/search-state';
import type { SearchSpec } from '../workflows/spec';
import { parseFlags } from './search-args';
import { queryProgress } from './search-watch';
import { UsageError } from './errors';
import { withClient } from './temporal';

/** Usage of `swnas search report`. */
export const REPORT_HELP = `usage: swnas search report <id> [--out DIR]

Writes report.html, report.json and the figures as SVG of a search (or baseline) to DIR
(default ./swnas-report-<id>/): the result of a finished search, the progress of a running one.`;

/** The search's data could not be read: no result and no worker answering the progress query. */
export class ReportUnavailableError extends Error {
  override name = 'ReportUnavailableError';
}

/** Entry point of `swnas search report`; prints the path of report.html. */
export async function runReport(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    { args, options: { out: { type: 'string' } }, allowPositionals: true },
    REPORT_HELP,
  );
  if (positionals.length !== 1)
    throw new UsageError(`give exactly one search id\n\n${REPORT_HELP}`);
  const searchId = positionals[0];
  const outDir = resolve(values.out ?? `swnas-report-${searchId}`);

  const { source, spec, dataset } = await withClient(({ client }) => readSearch(client, searchId));
  const files = await buildReportFiles(source, {
    spec,
    datasetId: dataset.datasetId,
    inputShape: dataset.shape,
    classes: dataset.classes,
    environment: reportEnvironment(),
  });

  await mkdir(outDir, { recursive: true });
  for (const file of files) await writeFile(join(outDir, file.name), file.bytes);
  console.log(join(outDir, 'report.html'));
  return 0;
}

interface SearchData {
  source: SearchResult | SearchProgress;
  spec: SearchSpec;
  dataset: DatasetInfo;
}

/** The result (finished) or progress (running) of a search, with its spec and dataset. */
async function readSearch(client: Client, searchId: string): Promise<SearchData> {
  const handle = client.workflow.getHandle(searchId);
  const { status } = await handle.describe();
  const progress = await queryProgress(handle);
  const result =
    status.name === 'COMPLETED' ? ((await handle.result()) as SearchResult) : undefined;
  const source = result ?? progress;
  if (!source) {
    throw new ReportUnavailableError(
      `search ${searchId} is ${status.name.toLowerCase()} and no control worker answered its ` +
        'progress query: start one with `swnas worker --queue control`',
    );
  }

  const start = await startInput(handle);
  const spec = progress?.spec ?? start.spec;
  const dataset = progress?.dataset ?? start.state?.dataset ?? (await datasetByName(spec.dataset));
  return { source, spec, dataset };
}

/** The input of the workflow's latest run (its spec is already validated). */
async function startInput(
  handle: WorkflowHandle,
): Promise<{ spec: SearchSpec; state?: { dataset: DatasetInfo | null } }> {
  const history = await handle.fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads?.[0]) throw new ReportUnavailableError(`${handle.workflowId} has no start input`);
  const converter = handle.client.options.loadedDataConverter.payloadConverter;
  return converter.fromPayload(payloads[0]);
}

/**
 * Limitation: without a progress answer the dataset is looked up by name, which finds the
 * newest import of that name, not necessarily the one the search trained on.
 */
async function datasetByName(name: string): Promise<DatasetInfo> {
  return datasetInfo(await resolveDataset(storeFromEnv(), name));
}
