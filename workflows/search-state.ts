// The state of a search: what the `progress` query returns, what continue-as-new carries to
// the next run, and the pure helpers that read it. Plain JSON only.
import type {
  CandidateInput,
  DatasetInfo,
  EpochMetrics,
  EvaluateResult,
  ScoreResult,
  TrainResult,
} from './activity-types';
import type { SearchSpec } from './spec';

/** `initial` starts the search, a `probe` deepens every stage, a `grown` one keeps the winners. */
export type CandidateRole = 'initial' | 'probe' | 'grown';

/** Everything known of one trained candidate. Probes are not evaluated (test fields null). */
export interface CandidateRecord {
  candidateId: string;
  role: CandidateRole;
  /** 0 for the initial candidate, N for `it<N>-*`. */
  iteration: number;
  depths: number[];
  /** Stage importances (mean VIP per stage), from training images. */
  scores: number[];
  featureCounts: number[];
  valAccuracy: number;
  testAccuracy: number | null;
  testLoss: number | null;
  params: number | null;
  macs: number | null;
  latencyMs: number | null;
  trainSeconds: number;
  epochs: EpochMetrics[];
  resumedFromEpoch: number | null;
  checkpointKey: string;
  finalModelKey: string;
  worker: string;
  /** Attempt number of each activity's successful run (1 = no retry). */
  attempts: { train: number; score: number; evaluate: number | null };
  /**
   * The probe of the same depths whose training and scores this grown candidate took over:
   * one spec and seed train one model, so it was not trained again. Absent when it trained.
   */
  reusedFrom?: string;
}

/** The growth decision of one iteration, as decideGrowth made it. */
export interface IterationRecord {
  iteration: number;
  currentDepths: number[];
  probeDepths: number[];
  currentScores: number[];
  probeScores: number[];
  grow: boolean[];
  nextDepths: number[];
  converged: boolean;
}

/** Why the search ended. */
export type StopReason = 'converged' | 'iterationLimit' | 'stopSignal' | 'depthLimit';

/** Lifecycle of a search, also its SwnasState search attribute. */
export type SearchStatus =
  'running' | 'converged' | 'stopped' | 'completed' | 'failed' | 'cancelled';

/** A candidate step in flight; live epoch/batch come from the activity's heartbeat instead. */
export interface RunningStep {
  candidateId: string;
  role: CandidateRole;
  iteration: number;
  depths: number[];
  step: 'train' | 'score' | 'evaluate';
}

/** State carried across continue-as-new. */
export interface SearchState {
  searchId: string;
  dataset: DatasetInfo | null;
  candidates: CandidateRecord[];
  decisions: IterationRecord[];
  status: SearchStatus;
  stopReason: StopReason | null;
  stopRequested: boolean;
  /** Workflow runs so far (1 + continue-as-new count). */
  runs: number;
}

/** What the `progress` query returns. */
export interface SearchProgress extends SearchState {
  spec: SearchSpec;
  running: RunningStep | null;
  best: CandidateRecord | null;
}

/** Workflow result. */
export interface SearchResult {
  searchId: string;
  candidates: CandidateRecord[];
  decisions: IterationRecord[];
  finalDepths: number[];
  best: CandidateRecord | null;
  converged: boolean;
  stoppedEarly: boolean;
  stopReason: StopReason;
  /** Iterations that trained a probe. */
  iterations: number;
}

/** A fresh state for the search with this id. */
export function newState(searchId: string): SearchState {
  return {
    searchId,
    dataset: null,
    candidates: [],
    decisions: [],
    status: 'running',
    stopReason: null,
    stopRequested: false,
    runs: 1,
  };
}

/** Candidate id of a role in an iteration: `initial`, `it<N>-probe`, `it<N>-grown`. */
export function candidateId(role: CandidateRole, iteration: number): string {
  return role === 'initial' ? 'initial' : `it${iteration}-${role}`;
}

/** The finished candidate with this id, if any. */
export function findCandidate(state: SearchState, id: string): CandidateRecord | undefined {
  return state.candidates.find((candidate) => candidate.candidateId === id);
}

/**
 * The probe trained with these depths, if any. Only a probe can share a grown candidate's
 * depths: every earlier initial or grown candidate is shallower in some stage.
 */
export function trainedProbe(state: SearchState, depths: number[]): CandidateRecord | undefined {
  const key = depths.join(',');
  return state.candidates.find((c) => c.role === 'probe' && c.depths.join(',') === key);
}

/** The candidates that trained a model of their own (a reused one carries its probe's). */
export function trainedCandidates(candidates: CandidateRecord[]): CandidateRecord[] {
  return candidates.filter((c) => !c.reusedFrom);
}

/** How many candidates trained a model of their own. */
export function modelsTrained(candidates: CandidateRecord[]): number {
  return trainedCandidates(candidates).length;
}

/** Highest validation accuracy among initial and grown candidates; probes are not results. */
export function bestCandidate(candidates: CandidateRecord[]): CandidateRecord | null {
  let best: CandidateRecord | null = null;
  for (const candidate of candidates) {
    if (candidate.role === 'probe') continue;
    if (!best || candidate.valAccuracy > best.valAccuracy) best = candidate;
  }
  return best;
}

/** Joins the three activity results of a candidate into its record. */
export function candidateRecord(
  input: CandidateInput,
  role: CandidateRole,
  iteration: number,
  results: { train: TrainResult; score: ScoreResult; evaluation: EvaluateResult | null },
): CandidateRecord {
  const { train, score, evaluation } = results;
  return {
    candidateId: input.candidateId,
    role,
    iteration,
    depths: input.depths,
    scores: score.scores,
    featureCounts: score.featureCounts,
    valAccuracy: train.valAccuracy,
    testAccuracy: evaluation?.testAccuracy ?? null,
    testLoss: evaluation?.testLoss ?? null,
    params: evaluation?.params ?? null,
    macs: evaluation?.macs ?? null,
    latencyMs: evaluation?.latencyMs ?? null,
    trainSeconds: train.trainSeconds,
    epochs: train.epochs,
    resumedFromEpoch: train.resumedFromEpoch,
    checkpointKey: train.checkpointKey,
    finalModelKey: train.finalModelKey,
    worker: train.worker,
    attempts: { train: train.attempt, score: score.attempt, evaluate: evaluation?.attempt ?? null },
  };
}

/**
 * The record of candidate `id`, which takes over the training and scores of `probe` (same
 * depths) and carries the evaluation of probe's model. It cost no training time of its own.
 */
export function reusedRecord(
  probe: CandidateRecord,
  id: string,
  role: CandidateRole,
  iteration: number,
  evaluation: EvaluateResult,
): CandidateRecord {
  return {
    ...probe,
    candidateId: id,
    role,
    iteration,
    testAccuracy: evaluation.testAccuracy,
    testLoss: evaluation.testLoss,
    params: evaluation.params,
    macs: evaluation.macs,
    latencyMs: evaluation.latencyMs,
    trainSeconds: 0,
    attempts: { ...probe.attempts, evaluate: evaluation.attempt },
    reusedFrom: probe.candidateId,
  };
}
