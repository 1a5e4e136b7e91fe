// The paper's table from finished runs: one row per uniform ResNet and one for the search,
// means over seeds, the searched architecture of each seed, and the plain verdict.
import { candidateCost } from '../activities/cost';
import { modelsTrained, type CandidateRecord, type SearchResult } from '../workflows/search-state';
import { comparator, type CostInput, type UniformResNet } from './paper-table-budget';

/** What one seed produced: the search and the baselines it was compared with, by name. */
export interface SeedRun {
  seed: number;
  search: SearchResult;
  baselines: Map<string, SearchResult>;
}

interface Row {
  name: string;
  depths: string;
  layers: string;
  records: CandidateRecord[];
  modelsTrained: string;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Sample standard deviation; undefined for fewer than two values. */
function sd(values: number[]): number | undefined {
  if (values.length < 2) return undefined;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** The searched architecture of a seed: the best initial or grown candidate by validation. */
export function searched(search: SearchResult): CandidateRecord {
  if (!search.best) throw new Error(`search ${search.searchId} returned no best candidate`);
  return search.best;
}

const depthsText = (depths: number[]) => `[${depths.join(',')}]`;
const testAccuracies = (records: CandidateRecord[]) => records.map((r) => r.testAccuracy ?? NaN);

function accuracyText(records: CandidateRecord[]): string {
  const accuracies = testAccuracies(records).map((a) => a * 100);
  const spread = sd(accuracies);
  return `${mean(accuracies).toFixed(2)} ± ${spread === undefined ? 'n/a' : spread.toFixed(2)}`;
}

function meanOf(records: CandidateRecord[], field: 'params' | 'macs' | 'latencyMs'): number {
  return mean(records.map((r) => r[field] ?? NaN));
}

function uniformRow(resnet: UniformResNet, runs: SeedRun[], input: CostInput): Row {
  const records = runs.map((run) => {
    const result = run.baselines.get(resnet.name);
    if (!result?.best) throw new Error(`seed ${run.seed} has no ${resnet.name} result`);
    return result.best;
  });
  const layers = candidateCost({ ...input, depths: resnet.depths }).layers;
  const depths = depthsText(resnet.depths);
  return { name: resnet.name, depths, layers: String(layers), records, modelsTrained: '1' };
}

function searchRow(runs: SeedRun[], input: CostInput): Row {
  const records = runs.map((run) => searched(run.search));
  const distinct = [...new Set(records.map((r) => depthsText(r.depths)))];
  const layers = [
    ...new Set(records.map((r) => candidateCost({ ...input, depths: r.depths }).layers)),
  ];
  const models = runs.map((run) => modelsTrained(run.search.candidates));
  return {
    name: 'Stage-wise search',
    depths: distinct.length === 1 ? distinct[0] : 'per seed, below',
    layers: layers.join('/'),
    records,
    modelsTrained: mean(models) === models[0] ? String(models[0]) : models.join('/'),
  };
}

function rowText(row: Row): string {
  const cells = [
    row.name,
    row.depths,
    row.layers,
    (meanOf(row.records, 'params') / 1e6).toFixed(3),
    (meanOf(row.records, 'macs') / 1e6).toFixed(2),
    meanOf(row.records, 'latencyMs').toFixed(2),
    accuracyText(row.records),
    row.modelsTrained,
  ];
  return `| ${cells.join(' | ')} |`;
}

const HEADER = [
  '| Architecture | Depths | Layers | Params (M) | MACs (M) | Inference (ms) ' +
    '| Test accuracy (%) | Models trained |',
  '|---|---|---|---:|---:|---:|---|---:|',
];

/** The table (markdown, rows by MACs) followed by the searched architecture of each seed. */
export function paperTable(runs: SeedRun[], trained: UniformResNet[], input: CostInput): string {
  const rows = [...trained.map((r) => uniformRow(r, runs, input)), searchRow(runs, input)];
  rows.sort((a, b) => meanOf(a.records, 'macs') - meanOf(b.records, 'macs'));
  const seedLines = runs.map((run) => {
    const best = searched(run.search);
    const test = ((best.testAccuracy ?? NaN) * 100).toFixed(2);
    const val = (best.valAccuracy * 100).toFixed(2);
    return (
      `  seed ${run.seed}: ${depthsText(best.depths)} (${best.candidateId}), ` +
      `${((best.macs ?? NaN) / 1e6).toFixed(2)} M MACs, val ${val} %, test ${test} %, ` +
      `${modelsTrained(run.search.candidates)} models trained, ` +
      `stop: ${run.search.stopReason} (${run.search.searchId})`
    );
  });
  return [
    ...HEADER,
    ...rows.map(rowText),
    '',
    'Searched architecture per seed:',
    ...seedLines,
  ].join('\n');
}

/** One sentence: is the search at least as accurate as the uniform ResNet of >= MACs? */
export function verdict(runs: SeedRun[], trained: UniformResNet[], input: CostInput): string {
  const searchedMacs = runs.map((run) => searched(run.search).macs ?? NaN);
  const searchAccuracy = mean(testAccuracies(runs.map((run) => searched(run.search)))) * 100;
  const macsText = `${(Math.max(...searchedMacs) / 1e6).toFixed(2)} M MACs`;
  const rival = comparator(trained, searchedMacs, input);
  if (!rival) {
    return (
      `No uniform ResNet here has MACs >= the searched architecture's (${macsText}): ` +
      `it costs more than ResNet-56, so the comparison the paper makes cannot be made.`
    );
  }

  const rivalRecords = runs.map((run) => run.baselines.get(rival.name)?.best);
  const rivalAccuracy = mean(rivalRecords.map((r) => r?.testAccuracy ?? NaN)) * 100;
  const rivalMacs = ((rivalRecords[0]?.macs ?? NaN) / 1e6).toFixed(2);
  const holds = searchAccuracy >= rivalAccuracy;
  return (
    `${holds ? 'YES' : 'NO'}: the searched architecture (${macsText} at most) is ` +
    `${holds ? 'at least as accurate as' : 'less accurate than'} ${rival.name} ` +
    `(${rivalMacs} M MACs): mean test accuracy ${searchAccuracy.toFixed(2)} % vs ` +
    `${rivalAccuracy.toFixed(2)} % over ${runs.length} seed(s).`
  );
}
