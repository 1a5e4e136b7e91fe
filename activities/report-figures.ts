// The report's figures as Vega-Lite specifications, rendered to SVG in Node (vega's headless
// SVG renderer: no canvas, no browser). Data are inlined, so rendering never loads a URL.
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './report-model';

/** A rendered figure: `name` is its file stem (`<name>.svg`). */
export interface Figure {
  name: string;
  title: string;
  svg: string;
}

const WIDTH = 520;
const HEIGHT = 300;
const ROLE_SHAPES = { initial: 'square', probe: 'triangle-up', grown: 'circle' };

/** Accuracy (test, or validation for probes) against MACs, the search path and the front. */
export function accuracyMacsSpec(report: ReportData): TopLevelSpec {
  const points = report.candidates
    .filter((c) => c.macs !== null)
    .map((c) => ({
      id: c.candidateId,
      role: c.role,
      order: c.iteration,
      mmacs: c.macs! / 1e6,
      accuracy: c.accuracy,
      kind: c.accuracyKind,
      front: c.onParetoFront,
    }));
  const x = { field: 'mmacs', type: 'quantitative', title: 'MACs (millions)' } as const;
  const y = {
    field: 'accuracy',
    type: 'quantitative',
    title: 'accuracy (test; validation for probes)',
    scale: { zero: false },
  } as const;
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    encoding: { x, y },
    layer: [
      {
        transform: [{ filter: "datum.role !== 'probe'" }],
        mark: { type: 'line', color: '#999', strokeWidth: 1 },
        encoding: { order: { field: 'order', type: 'quantitative' } },
      },
      {
        transform: [{ filter: 'datum.front' }],
        mark: { type: 'line', interpolate: 'step-after', strokeDash: [4, 3], color: '#d62728' },
        encoding: { order: { field: 'mmacs', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', size: 90, filled: true },
        encoding: {
          shape: {
            field: 'role',
            type: 'nominal',
            scale: { domain: Object.keys(ROLE_SHAPES), range: Object.values(ROLE_SHAPES) },
          },
          color: {
            field: 'front',
            type: 'nominal',
            title: 'Pareto front',
            scale: { domain: [true, false], range: ['#d62728', '#1f77b4'] },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
        encoding: { text: { field: 'id' } },
      },
    ],
  };
}

/** Stage importance (mean VIP) of every candidate, one panel per iteration. */
export function stageImportanceSpec(report: ReportData): TopLevelSpec {
  const values = report.candidates.flatMap((c) =>
    c.scores.map((importance, stage) => ({
      iteration: c.iteration,
      candidate: c.candidateId,
      stage: `stage ${stage + 1}`,
      importance,
    })),
  );
  return {
    data: { values },
    mark: 'bar',
    encoding: {
      column: { field: 'iteration', type: 'ordinal', title: 'iteration' },
      x: { field: 'stage', type: 'nominal', title: null },
      xOffset: { field: 'candidate', type: 'nominal' },
      y: { field: 'importance', type: 'quantitative', title: 'stage importance (mean VIP)' },
      color: { field: 'candidate', type: 'nominal' },
    },
    // Each panel spaces only the candidates of its own iteration.
    resolve: { scale: { xOffset: 'independent' } },
    width: 150,
    height: HEIGHT - 60,
  };
}

/** Blocks per stage of the candidate each iteration ends with, and of its probe. */
export function depthsSpec(report: ReportData): TopLevelSpec {
  const values = report.candidates.flatMap((c) =>
    c.depths.map((depth, stage) => ({
      iteration: c.iteration,
      kind: c.role === 'probe' ? 'probe' : 'kept',
      series: `stage ${stage + 1} ${c.role === 'probe' ? 'probe' : 'kept'}`,
      stage: `stage ${stage + 1}`,
      depth,
    })),
  );
  return {
    width: WIDTH,
    height: HEIGHT - 60,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'iteration', type: 'ordinal', axis: { labelAngle: 0 } },
      y: { field: 'depth', type: 'quantitative', title: 'blocks', axis: { format: 'd' } },
      color: { field: 'stage', type: 'nominal' },
      strokeDash: {
        field: 'kind',
        type: 'nominal',
        title: 'candidate',
        legend: { symbolType: 'stroke', symbolStrokeColor: '#333' },
      },
      detail: { field: 'series', type: 'nominal' },
    },
  };
}

/** Training and validation accuracy per epoch of every candidate. */
export function learningCurvesSpec(report: ReportData): TopLevelSpec {
  const values = report.candidates.flatMap((c) =>
    c.epochs.flatMap((e) => [
      { candidate: c.candidateId, epoch: e.epoch, split: 'validation', accuracy: e.valAccuracy },
      { candidate: c.candidateId, epoch: e.epoch, split: 'training', accuracy: e.accuracy },
    ]),
  );
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: { size: 20 } },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', axis: { labelAngle: 0 } },
      y: { field: 'accuracy', type: 'quantitative', scale: { zero: false } },
      color: { field: 'candidate', type: 'nominal', scale: { scheme: 'category20' } },
      strokeDash: {
        field: 'split',
        type: 'nominal',
        legend: { symbolType: 'stroke', symbolStrokeColor: '#333' },
      },
      detail: { field: 'split', type: 'nominal' },
    },
  };
}

/** The four figures of a report, in page order. */
export const FIGURES = [
  { name: 'accuracy-macs', title: 'Accuracy against MACs', spec: accuracyMacsSpec },
  { name: 'stage-importance', title: 'Stage importance per iteration', spec: stageImportanceSpec },
  { name: 'depths', title: 'Depths per iteration', spec: depthsSpec },
  { name: 'learning-curves', title: 'Learning curves', spec: learningCurvesSpec },
] as const;

/** Renders a Vega-Lite spec to an SVG document (text measured by estimate, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile({ ...spec, background: 'white' }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Every figure of a report, rendered. */
export async function renderFigures(report: ReportData): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const { name, title, spec } of FIGURES) {
    figures.push({ name, title, svg: await renderSvg(spec(report)) });
  }
  return figures;
}
