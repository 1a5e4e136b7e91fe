import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { mulberry32 } from '../../activities/pls-sample';
import { plsVip, PlsInputError, sampleStratified, stageImportance } from '../../activities/pls-vip';
import { run } from '../../client/commands/pls-vip';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/pls-vip');

interface Fixture {
  name: string;
  nComponents: number;
  classes: number;
  x: number[][];
  labels: number[];
  vip: number[];
  meanVip: number;
}

async function loadFixtures(): Promise<Fixture[]> {
  const names = (await readdir(FIXTURES)).filter((name) => name.endsWith('.json'));
  assert.ok(names.length >= 3, `expected the sklearn fixtures in ${FIXTURES}`);
  return Promise.all(
    names.map(async (name) => JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8'))),
  );
}

// n samples of c classes; feature 0 carries the label, the others are uniform noise.
function labelledData(n: number, p: number, c: number, seed: number) {
  const random = mulberry32(seed);
  const labels = Array.from({ length: n }, (_, i) => i % c);
  const x = labels.map((label) =>
    Array.from({ length: p }, (_, j) => (j === 0 ? label + 0.3 * random() : random())),
  );
  return { x, labels };
}

function sumOfSquares(values: number[]): number {
  return values.reduce((sum, v) => sum + v * v, 0);
}

test('matches scikit-learn VIP on every fixture to 1e-4 relative error', async () => {
  for (const fixture of await loadFixtures()) {
    const { vip, meanVip } = plsVip({
      x: fixture.x,
      labels: fixture.labels,
      components: fixture.nComponents,
    });
    assert.equal(vip.length, fixture.vip.length, fixture.name);
    fixture.vip.forEach((expected, j) => {
      const error = Math.abs(vip[j] - expected);
      assert.ok(
        error <= 1e-4 * Math.abs(expected) + 1e-8,
        `${fixture.name} feature ${j}: got ${vip[j]}, sklearn ${expected}`,
      );
    });
    assert.ok(Math.abs(meanVip - fixture.meanVip) <= 1e-4 * fixture.meanVip, fixture.name);
  }
});

test('gives the same scores for a flat Float32Array as for nested rows', async () => {
  const [fixture] = await loadFixtures();
  const cols = fixture.x[0].length;
  const data = Float32Array.from(fixture.x.flat());
  const flat = plsVip({ x: { data, rows: fixture.x.length, cols }, labels: fixture.labels });
  const nested = plsVip({
    x: fixture.x.map((row) => Array.from(row, Math.fround)),
    labels: fixture.labels,
  });
  flat.vip.forEach((v, j) => assert.ok(Math.abs(v - nested.vip[j]) < 1e-12));
});

test('squared VIP scores sum to the number of features', async () => {
  for (const fixture of await loadFixtures()) {
    const { vip } = plsVip({
      x: fixture.x,
      labels: fixture.labels,
      components: fixture.nComponents,
    });
    assert.ok(Math.abs(sumOfSquares(vip) - vip.length) < 1e-9, fixture.name);
  }
  const { x, labels } = labelledData(300, 12, 4, 7);
  const { vip } = plsVip({ x, labels, components: 3 });
  assert.ok(Math.abs(sumOfSquares(vip) - 12) < 1e-9);
});

test('scores a label-carrying feature above pure-noise features', () => {
  const { x, labels } = labelledData(400, 6, 5, 11);
  const { vip } = plsVip({ x, labels });
  for (let j = 1; j < 6; j++) assert.ok(vip[0] > vip[j], `feature 0 ${vip[0]} vs ${j} ${vip[j]}`);
  assert.ok(vip[0] > 1);
});

test('returns the last power-iteration weights when the iteration limit is reached', () => {
  const { x, labels } = labelledData(200, 8, 4, 13);
  const capped = plsVip({ x, labels, components: 2, maxIterations: 1 });
  const converged = plsVip({ x, labels, components: 2 });
  assert.equal(capped.componentsFitted, 2);
  assert.ok(Math.abs(sumOfSquares(capped.vip) - 8) < 1e-9);
  assert.notDeepEqual(capped.vip, converged.vip);
});

test('leaves a zero-variance column unscaled and scores it zero', () => {
  const { x, labels } = labelledData(100, 4, 3, 3);
  const withConstant = x.map((row) => [...row, 3.7]);
  const { vip } = plsVip({ x: withConstant, labels });
  assert.equal(vip[4], 0);
  vip.forEach((v) => assert.ok(Number.isFinite(v)));
  assert.ok(Math.abs(sumOfSquares(vip) - 5) < 1e-9);
});

test('returns zeros rather than NaN when every feature is constant', () => {
  const x = Array.from({ length: 10 }, () => [0, 2, 0]);
  const labels = Array.from({ length: 10 }, (_, i) => i % 2);
  const result = plsVip({ x, labels });
  assert.deepEqual(result.vip, [0, 0, 0]);
  assert.equal(result.meanVip, 0);
  assert.equal(result.componentsFitted, 0);
});

test('stays finite when asked for more components than the data can carry', () => {
  // Six centred samples span at most five directions; a sixth component finds nothing left.
  const { x, labels } = labelledData(6, 10, 2, 5);
  const { vip } = plsVip({ x, labels, components: 6 });
  vip.forEach((v) => assert.ok(Number.isFinite(v), String(v)));
  assert.ok(Math.abs(sumOfSquares(vip) - 10) < 1e-9);
});

test('rejects each kind of bad input with a PlsInputError that says what to change', () => {
  const { x, labels } = labelledData(20, 3, 2, 1);
  const cases: [string, () => unknown, RegExp][] = [
    ['empty', () => plsVip({ x: [], labels: [] }), /x is empty/],
    ['empty flat', () => plsVip({ x: { data: [], rows: 0, cols: 3 }, labels: [] }), /empty/],
    ['ragged', () => plsVip({ x: [[1, 2], [3]], labels: [0, 1] }), /row 1 has 1 features/],
    ['flat size', () => plsVip({ x: { data: [1, 2, 3], rows: 2, cols: 2 }, labels }), /3 values/],
    ['null', () => plsVip({ x: [[1, null as unknown as number]], labels: [0] }), /is null/],
    ['NaN', () => plsVip({ x: withValue(x, 4, 2, NaN), labels }), /x\[4\]\[2\] is NaN/],
    ['Infinity', () => plsVip({ x: withValue(x, 0, 1, Infinity), labels }), /x\[0\]\[1\]/],
    ['zero components', () => plsVip({ x, labels, components: 0 }), /integer >= 1/],
    ['too many components', () => plsVip({ x, labels, components: 4 }), /at most 3/],
    ['few samples', () => plsVip({ x: x.slice(0, 2), labels: [0, 1], components: 3 }), /samples/],
    ['one sample', () => plsVip({ x: x.slice(0, 1), labels: [0], components: 1 }), /at least 2/],
    ['single class', () => plsVip({ x, labels: labels.map(() => 1) }), /single class/],
    ['negative label', () => plsVip({ x, labels: [-1, ...labels.slice(1)] }), /labels\[0\]/],
    ['fractional label', () => plsVip({ x, labels: [0.5, ...labels.slice(1)] }), /integers/],
    ['out of range', () => plsVip({ x, labels, classes: 1 }), /integer >= 2/],
    ['beyond classes', () => plsVip({ x, labels: [...labels.slice(1), 2], classes: 2 }), /range/],
    ['label count', () => plsVip({ x, labels: labels.slice(1) }), /19 entries but x has 20/],
  ];
  for (const [name, call, message] of cases) {
    assert.throws(call, (err) => err instanceof PlsInputError && message.test(err.message), name);
  }
});

function withValue(x: number[][], row: number, col: number, value: number): number[][] {
  return x.map((r, i) => r.map((v, j) => (i === row && j === col ? value : v)));
}

test('scores every stage by the mean VIP of its own features', () => {
  const { x, labels } = labelledData(120, 5, 3, 9);
  const noise = labelledData(120, 8, 3, 10).x.map((row) => row.slice(1));
  const stages = [x, noise].map((rows) => ({
    data: Float32Array.from(rows.flat()),
    rows: rows.length,
    cols: rows[0].length,
  }));

  const result = stageImportance(stages, labels, 2);
  assert.deepEqual(result.featureCounts, [5, 7]);
  assert.equal(result.samples, 120);
  stages.forEach((stage, k) => {
    assert.equal(result.scores[k], plsVip({ x: stage, labels, components: 2 }).meanVip);
  });
  assert.throws(() => stageImportance([stages[0], { ...stages[1], cols: 6 }], labels), /stage 1/);
});

test('samples the same sorted indices for the same seed, stratified by class', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2));
  const first = sampleStratified(labels, 101, 42);
  assert.deepEqual(sampleStratified(labels, 101, 42), first);
  assert.notDeepEqual(sampleStratified(labels, 101, 43), first);

  assert.equal(first.length, 101);
  assert.equal(new Set(first).size, 101);
  assert.deepEqual(
    [...first].sort((a, b) => a - b),
    first,
  );
  const perClass = [0, 1, 2].map((c) => first.filter((i) => labels[i] === c).length);
  [70.7, 20.2, 10.1].forEach((share, c) => assert.ok(Math.abs(perClass[c] - share) < 1, `${c}`));

  assert.deepEqual(sampleStratified([1, 0, 1], 5, 1), [0, 1, 2]);
  assert.throws(() => sampleStratified(labels, 0, 1), PlsInputError);
});

test(
  'swnas pls-vip prints VIP of a JSON file, ' + 'with --components overriding nComponents',
  async (t) => {
    const [fixture] = (await loadFixtures()).filter((f) => f.name === 'three-components');
    const dir = await mkdtemp(path.join(tmpdir(), 'pls-vip-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'input.json');
    await writeFile(file, JSON.stringify(fixture));

    const printed: string[] = [];
    t.mock.method(console, 'log', (line: string) => printed.push(line));
    assert.equal(await run([file]), 0);
    assert.equal(await run(['--components', '1', file]), 0);

    const [three, one] = printed.map((line) => JSON.parse(line));
    assert.ok(Math.abs(three.meanVip - fixture.meanVip) < 1e-6);
    assert.equal(three.vip.length, 16);
    const expectedOne = plsVip({ x: fixture.x, labels: fixture.labels, components: 1 });
    assert.deepEqual(one, { vip: expectedOne.vip, meanVip: expectedOne.meanVip });
    await assert.rejects(run(['--components', 'two', file]), { name: 'UsageError' });
  },
);
