// Opens a report page in headless Chromium and saves a full-page screenshot, to check by eye
// that the page renders offline. Not a CI test: it needs a Chromium binary.
//   node dist/bench/report-screenshot.js <report.html> [out.png] [--chromium /usr/bin/chromium]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../infra/chromium';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { chromium: { type: 'string', default: CHROMIUM_PATH } },
  });
  const [page = 'swnas-report-sample/report.html', out = 'report-screenshot.png'] = positionals;

  const browser = await chromium.launch({ executablePath: values.chromium, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    tab.on('request', (request) => requests.push(request.url()));
    await tab.goto(pathToFileURL(resolve(page)).href, { waitUntil: 'load' });
    await tab.screenshot({ path: out, fullPage: true });

    // Every request but the page itself would be something the offline page fails to load.
    const external = requests.filter((url) => !url.startsWith('file:'));
    const svgs = await tab.locator('svg').count();
    console.log(JSON.stringify({ screenshot: resolve(out), svgs, externalRequests: external }));
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
