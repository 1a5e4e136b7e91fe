// The Temporal Web UI itself, in headless Chromium: a running search's page shows the
// candidate table the workflow keeps as its current details.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../../infra/chromium';
import { stageWiseSearch } from '../../workflows/search';
import { FakeLab } from './search-fakes';
import { startSearchEnv, type SearchTestEnv } from './search-env';

const lab = new FakeLab();
let env: SearchTestEnv;
let browser: Browser;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set SWNAS_CHROMIUM`);
  }
  const uiUrl = process.env.SWNAS_UI_URL;
  if (!uiUrl) throw new Error('SWNAS_UI_URL is not set: export the stack env first');
  env = await startSearchEnv(lab);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

test("a running search's page in the Temporal UI shows its candidate table", async () => {
  const workflowId = `ui-${env.trainQueue.slice(-8)}`;
  lab.script(workflowId, { scores: () => [1, 1, 1], blockTrainOf: 'it1-probe' });
  const handle = await env.client.workflow.start(stageWiseSearch, {
    taskQueue: env.controlQueue,
    workflowId,
    args: [
      {
        spec: { dataset: 'fake-mnist', initialDepths: [1, 1, 1], featureSamples: 100 },
        trainTaskQueue: env.trainQueue,
      },
    ],
  });
  try {
    // The initial candidate is in the table while the probe's training is held.
    await lab.blockedTrainingStarted(workflowId);
    const page = await browser.newPage();
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    const url = `${process.env.SWNAS_UI_URL}/namespaces/${namespace}/workflows/${workflowId}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.getByText('User Metadata', { exact: true }).click({ timeout: 60_000 });
    // The UI renders markdown details inside a sandboxed iframe.
    const details = page.frameLocator('iframe').locator('table', { hasText: 'stage importance' });
    try {
      await details.first().waitFor({ timeout: 30_000 });
    } catch (err) {
      await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/swnas-ui-failure.png` });
      throw new Error(
        `no candidate table on the page; it shows:\n${await page.innerText('main')}`,
        {
          cause: err,
        },
      );
    }
    // The rendered markdown table: its header, and the initial candidate's row.
    const text = await details.first().innerText();
    assert.match(text, /candidate\s+depths/);
    assert.match(text, /initial\s+\[1,1,1\]/);
  } finally {
    await handle.cancel();
    lab.release(workflowId);
  }
});
