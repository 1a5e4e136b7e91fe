// A search report as files: report.html, report.json and one SVG per figure. Shared by the
// writeReport activity (to S3) and `swnas search report` (to a local folder).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SearchProgress, SearchResult } from '../workflows/search-state';
import { renderFigures } from './report-figures';
import { renderHtml } from './report-html';
import { buildReportData, type ReportContext, type ReportEnvironment } from './report-model';

/** One file of a report. */
export interface ReportFile {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** `searches/<searchId>/report/`, where a search's report lives in the bucket. */
export const reportPrefix = (searchId: string) => `searches/${searchId}/report/`;

/** Renders every file of the report of a search result or progress. */
export async function buildReportFiles(
  source: SearchResult | SearchProgress,
  context: ReportContext,
): Promise<ReportFile[]> {
  const report = buildReportData(source, context);
  const figures = await renderFigures(report);
  const text = (name: string, contentType: string, body: string) => ({
    name,
    contentType,
    bytes: Buffer.from(body, 'utf8'),
  });
  return [
    text('report.html', 'text/html; charset=utf-8', renderHtml(report, figures)),
    text('report.json', 'application/json', `${JSON.stringify(report, null, 2)}\n`),
    ...figures.map((f) => text(`${f.name}.svg`, 'image/svg+xml', f.svg)),
  ];
}

/** The swnas version from the package.json above this module. */
export function swnasVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'swnas') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}

/**
 * Backend and versions of this process. Limitation: they are the report writer's, which
 * runs with the same SWNAS_BACKEND as the training workers only in a single-host deployment;
 * candidate records do not carry the training worker's backend.
 */
export function reportEnvironment(): ReportEnvironment {
  const base = { swnasVersion: swnasVersion(), nodeVersion: process.version };
  try {
    // Loaded here, not at import, so that a control worker without TensorFlow still reports.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { describeBackend } = require('./tf') as typeof import('./tf');
    const { backend, tfVersion } = describeBackend();
    return { ...base, backend, tfVersion };
  } catch {
    return { ...base, backend: 'unavailable', tfVersion: 'unavailable' };
  }
}
