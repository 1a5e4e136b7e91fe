import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildReportFiles, type ReportFile } from '../../activities/report';
import { buildReportData, paretoFront, type ReportContext } from '../../activities/report-model';
import { escapeHtml } from '../../activities/report-html';
import type { SearchProgress } from '../../workflows/search-state';
import { fixtureResult, fixtureSpec } from '../helpers/report-fixture';

const context: ReportContext = {
  spec: fixtureSpec,
  datasetId: 'fashion-mnist-0123abcd',
  inputShape: [28, 28, 1],
  classes: 10,
  environment: { backend: 'cpu', tfVersion: '4.22.0', swnasVersion: '0.1.0', nodeVersion: 'v20' },
};

const text = (files: ReportFile[], name: string) => {
  const file = files.find((f) => f.name === name);
  assert.ok(file, `${name} is among the report files`);
  return Buffer.from(file.bytes).toString('utf8');
};

const FIGURE_FILES = [
  'accuracy-macs.svg',
  'stage-importance.svg',
  'depths.svg',
  'learning-curves.svg',
];

test('keeps on the Pareto front only points that nothing cheaper beats, cheapest first', () => {
  const front = paretoFront([
    { id: 'big-good', macs: 30, accuracy: 0.9 },
    { id: 'small', macs: 10, accuracy: 0.8 },
    { id: 'mid-worse', macs: 20, accuracy: 0.79 },
    { id: 'mid-better', macs: 20, accuracy: 0.85 },
    { id: 'bigger-same', macs: 40, accuracy: 0.9 },
  ]);
  assert.deepEqual(front, ['small', 'mid-better', 'big-good']);
});

test('keeps only the first of identical points on the front', () => {
  const front = paretoFront([
    { id: 'a', macs: 10, accuracy: 0.8 },
    { id: 'b', macs: 10, accuracy: 0.8 },
  ]);
  assert.deepEqual(front, ['a']);
});

test('puts evaluated candidates on the front by test accuracy and never a probe', () => {
  const report = buildReportData(fixtureResult(), context);
  assert.deepEqual(report.paretoFront, ['initial', 'it1-grown']);

  const probe = report.candidates.find((c) => c.candidateId === 'it2-probe');
  assert.equal(probe?.accuracyKind, 'validation');
  assert.equal(probe?.accuracy, 0.87);
  assert.equal(probe?.onParetoFront, false);
});

test('prices unevaluated probes from their depths and the dataset shape', () => {
  const report = buildReportData(fixtureResult(), context);
  const probe = report.candidates.find((c) => c.candidateId === 'it1-probe');
  assert.ok(probe?.macs && probe.macs > 0, 'probe has MACs');
  assert.ok(probe?.params && probe.params > 0, 'probe has parameters');

  const unpriced = buildReportData(fixtureResult(), { ...context, inputShape: null });
  assert.equal(unpriced.candidates.find((c) => c.candidateId === 'it1-probe')?.macs, null);
});

test('reports a running search from its progress, with its live status', () => {
  const result = fixtureResult();
  const progress: SearchProgress = {
    searchId: result.searchId,
    dataset: null,
    candidates: result.candidates.slice(0, 3),
    decisions: result.decisions,
    status: 'running',
    stopReason: null,
    stopRequested: false,
    runs: 1,
    spec: fixtureSpec,
    running: null,
    best: result.candidates[2],
  };
  const report = buildReportData(progress, context);
  assert.equal(report.status, 'running');
  assert.deepEqual(report.finalDepths, [4, 2, 4]);
  assert.equal(report.candidates.length, 3);
});

test('writes report.json with every candidate, the spec, dataset and versions', async () => {
  const files = await buildReportFiles(fixtureResult(), context);
  assert.deepEqual(
    files.map((f) => f.name).sort(),
    [...FIGURE_FILES, 'report.html', 'report.json'].sort(),
  );

  const json = JSON.parse(text(files, 'report.json'));
  assert.deepEqual(
    json.candidates.map((c: { candidateId: string }) => c.candidateId),
    fixtureResult().candidates.map((c) => c.candidateId),
  );
  assert.equal(json.datasetId, 'fashion-mnist-0123abcd');
  assert.equal(json.spec.seed, fixtureSpec.seed);
  assert.equal(json.environment.tfVersion, '4.22.0');
});

test('renders every figure as an SVG document naming the candidates', async () => {
  const files = await buildReportFiles(fixtureResult(), context);
  for (const name of FIGURE_FILES) {
    const svg = text(files, name);
    assert.match(svg, /^<svg[\s>]/, `${name} starts with <svg`);
    assert.match(svg, /<\/svg>\s*$/, `${name} ends with </svg>`);
  }
  const scatter = text(files, 'accuracy-macs.svg');
  for (const { candidateId } of fixtureResult().candidates) {
    assert.ok(scatter.includes(`>${candidateId}<`), `accuracy-macs labels ${candidateId}`);
  }
  assert.match(scatter, /role-mark/, 'accuracy-macs has marks');
  assert.ok(text(files, 'learning-curves.svg').includes('>it2-grown<'), 'curves name it2-grown');
});

test('builds a page that embeds the figures and loads nothing from outside', async () => {
  const files = await buildReportFiles(fixtureResult(), context);
  const html = text(files, 'report.html');

  assert.equal((html.match(/<svg[\s>]/g) ?? []).length, FIGURE_FILES.length);
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /<script|<link|@import|url\(\s*["']?(?!#)/i);
  for (const { candidateId } of fixtureResult().candidates) {
    assert.ok(html.includes(`<td class="id">${candidateId}`), `table row of ${candidateId}`);
  }
  assert.ok(html.includes('fashion-mnist-0123abcd'), 'names the dataset');
});

test('escapes text that would otherwise become markup', () => {
  assert.equal(escapeHtml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
});
