import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { writeReportTo } from '../../activities/report-activity';
import { manifestKey } from '../../activities/store-keys';
import type { ObjectStore } from '../../activities/s3-store';
import type { WriteReportInput } from '../../workflows/report-types';
import { fixtureResult, fixtureSpec } from '../helpers/report-fixture';
import { runTag, testStore } from '../helpers/s3-env';

let store: ObjectStore;
const searchId = `test-report-${runTag()}`;
const datasetId = `report-fixture-${runTag().slice(0, 8)}`;

const input = (): WriteReportInput => ({
  searchId,
  result: { ...fixtureResult(), searchId },
  spec: fixtureSpec,
  datasetId,
  dataset: { datasetId, shape: [28, 28, 1], classes: 10, trainCount: 600, testCount: 100 },
});

const NAMES = [
  'report.html',
  'report.json',
  'accuracy-macs.svg',
  'stage-importance.svg',
  'depths.svg',
  'learning-curves.svg',
];

before(async () => {
  store = await testStore();
});

after(async () => {
  await store.deletePrefix(`searches/${searchId}/`);
  await store.deletePrefix(`datasets/${datasetId}/`);
});

test('writes the page, the JSON and every figure under the search report prefix', async () => {
  const written = await writeReportTo(store, input());

  const prefix = `searches/${searchId}/report/`;
  assert.equal(written.htmlKey, `${prefix}report.html`);
  assert.deepEqual([...written.keys].sort(), NAMES.map((name) => `${prefix}${name}`).sort());

  const listed = (await store.list(prefix)).map((object) => object.key).sort();
  assert.deepEqual(listed, [...written.keys].sort());

  const html = Buffer.from(await store.getObject(written.htmlKey)).toString('utf8');
  assert.match(html, /^<!doctype html>/);
  const json = await store.getJson<{ searchId: string; candidates: unknown[] }>(
    `${prefix}report.json`,
  );
  assert.equal(json.searchId, searchId);
  assert.equal(json.candidates.length, fixtureResult().candidates.length);
  const svg = Buffer.from(await store.getObject(`${prefix}accuracy-macs.svg`)).toString('utf8');
  assert.match(svg, /^<svg[\s>]/);
});

test('writes the same objects again when retried, leaving no extra ones', async () => {
  const first = await writeReportTo(store, input());
  const before = await store.getObject(`searches/${searchId}/report/report.json`);

  const second = await writeReportTo(store, input());
  const again = await store.getObject(`searches/${searchId}/report/report.json`);

  assert.deepEqual(second.keys, first.keys);
  assert.deepEqual(Buffer.from(again), Buffer.from(before));
  assert.equal((await store.list(`searches/${searchId}/report/`)).length, NAMES.length);
});

test('reads the dataset shape from its manifest when the input does not carry it', async () => {
  await store.putJson(manifestKey(datasetId), {
    format: 'swnas-dataset/1',
    id: datasetId,
    shape: [28, 28, 1],
    classes: 10,
  });
  await writeReportTo(store, { ...input(), dataset: undefined });

  const json = await store.getJson<{ candidates: { candidateId: string; macs: number | null }[] }>(
    `searches/${searchId}/report/report.json`,
  );
  const probe = json.candidates.find((c) => c.candidateId === 'it1-probe');
  assert.ok(probe?.macs && probe.macs > 0, 'the probe is priced from the manifest shape');
});
