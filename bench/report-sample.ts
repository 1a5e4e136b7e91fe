// Writes the report of the fixture search to a folder (default ./swnas-report-sample), to look
// at the page without running a search: node dist/bench/report-sample.js [DIR]
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildReportFiles, reportEnvironment } from '../activities/report';
import { fixtureResult, fixtureSpec } from '../test/helpers/report-fixture';

async function main(outDir: string): Promise<void> {
  const files = await buildReportFiles(fixtureResult(), {
    spec: fixtureSpec,
    datasetId: 'fashion-mnist-0123abcd',
    inputShape: [28, 28, 1],
    classes: 10,
    environment: reportEnvironment(),
  });
  await mkdir(outDir, { recursive: true });
  for (const file of files) await writeFile(join(outDir, file.name), file.bytes);
  console.log(resolve(outDir, 'report.html'));
}

main(process.argv[2] ?? 'swnas-report-sample').catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
