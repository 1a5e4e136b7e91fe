// The data of a search report, independent of how it is drawn: one row per candidate with the
// accuracy it is plotted at, its cost (counted from the spec for probes, which are not
// evaluated), and the Pareto front of accuracy against multiply-accumulates.
import type { EpochMetrics } from '../workflows/activity-types';
import type {
  CandidateRecord,
  CandidateRole,
  IterationRecord,
  SearchProgress,
  SearchResult,
} from '../workflows/search-state';
import type { SearchSpec } from '../workflows/spec';
import { candidateCost } from './cost';

/** Where the report was made: versions of the software around it. */
export interface ReportEnvironment {
  /** tfjs backend name (`tensorflow`, `cpu`) or `unavailable`. */
  backend: string;
  tfVersion: string;
  swnasVersion: string;
  nodeVersion: string;
}

/** One candidate as the report shows it. */
export interface ReportCandidate {
  candidateId: string;
  role: CandidateRole;
  iteration: number;
  depths: number[];
  params: number | null;
  macs: number | null;
  /** Test accuracy when evaluated, validation accuracy otherwise (probes). */
  accuracy: number;
  accuracyKind: 'test' | 'validation';
  valAccuracy: number;
  testAccuracy: number | null;
  trainSeconds: number;
  /** The probe whose model this candidate took over instead of training; null if it trained. */
  reusedFrom: string | null;
  attempts: CandidateRecord['attempts'];
  scores: number[];
  epochs: EpochMetrics[];
  onParetoFront: boolean;
}

/** report.json: everything the page shows. */
export interface ReportData {
  format: 'swnas-report/1';
  searchId: string;
  /** `completed`, `converged`, ... for a result; the live status for a running search. */
  status: string;
  datasetId: string;
  spec: SearchSpec;
  environment: ReportEnvironment;
  finalDepths: number[];
  bestCandidateId: string | null;
  candidates: ReportCandidate[];
  decisions: IterationRecord[];
  /** Ids on the front, cheapest first. */
  paretoFront: string[];
}

/** What the report needs besides the search: its spec, data and software. */
export interface ReportContext {
  spec: SearchSpec;
  datasetId: string;
  /** [h, w, c] of the dataset's images, to price probes; null leaves their cost unknown. */
  inputShape: [number, number, number] | null;
  classes: number | null;
  environment: ReportEnvironment;
}

/** A point that can be on a front: cheaper is better, more accurate is better. */
export interface FrontPoint {
  id: string;
  macs: number;
  accuracy: number;
}

/**
 * Ids of the points no other point dominates (no more MACs and at least the accuracy, one of
 * them strictly), cheapest first; of identical points only the first counts.
 */
export function paretoFront(points: FrontPoint[]): string[] {
  const sorted = [...points].sort((a, b) => a.macs - b.macs || b.accuracy - a.accuracy);
  const front: string[] = [];
  let bestAccuracy = -Infinity;
  for (const point of sorted) {
    if (point.accuracy > bestAccuracy) {
      front.push(point.id);
      bestAccuracy = point.accuracy;
    }
  }
  return front;
}

/** True when `source` is a finished search's result rather than a running one's progress. */
function isResult(source: SearchResult | SearchProgress): source is SearchResult {
  return 'finalDepths' in source;
}

/** The report data of a search result or progress. */
export function buildReportData(
  source: SearchResult | SearchProgress,
  context: ReportContext,
): ReportData {
  const rows = source.candidates.map((record) => candidateRow(record, context));

  // Only evaluated candidates are results; probes are plotted but never on the front.
  const evaluated = rows.filter((row) => row.accuracyKind === 'test' && row.macs !== null);
  const front = paretoFront(
    evaluated.map((row) => ({ id: row.candidateId, macs: row.macs!, accuracy: row.accuracy })),
  );
  for (const row of rows) row.onParetoFront = front.includes(row.candidateId);

  const path = source.candidates.filter((c) => c.role !== 'probe');
  return {
    format: 'swnas-report/1',
    searchId: source.searchId,
    status: isResult(source) ? source.stopReason : source.status,
    datasetId: context.datasetId,
    spec: context.spec,
    environment: context.environment,
    finalDepths: isResult(source)
      ? source.finalDepths
      : (path[path.length - 1]?.depths ?? context.spec.initialDepths),
    bestCandidateId: source.best?.candidateId ?? null,
    candidates: rows,
    decisions: source.decisions,
    paretoFront: front,
  };
}

function candidateRow(record: CandidateRecord, context: ReportContext): ReportCandidate {
  const cost = record.macs === null ? priced(record.depths, context) : null;
  const tested = record.testAccuracy !== null;
  return {
    candidateId: record.candidateId,
    role: record.role,
    iteration: record.iteration,
    depths: record.depths,
    params: record.params ?? cost?.params ?? null,
    macs: record.macs ?? cost?.macs ?? null,
    accuracy: tested ? record.testAccuracy! : record.valAccuracy,
    accuracyKind: tested ? 'test' : 'validation',
    valAccuracy: record.valAccuracy,
    testAccuracy: record.testAccuracy,
    trainSeconds: record.trainSeconds,
    reusedFrom: record.reusedFrom ?? null,
    attempts: record.attempts,
    scores: record.scores,
    epochs: record.epochs,
    onParetoFront: false,
  };
}

function priced(depths: number[], context: ReportContext) {
  if (!context.inputShape || context.classes === null) return null;
  return candidateCost({
    inputShape: context.inputShape,
    classes: context.classes,
    depths,
    widths: context.spec.widths,
  });
}
