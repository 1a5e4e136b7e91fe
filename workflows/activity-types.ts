// The contracts between the search workflow and its activities. Every activity takes one
// input object so fields can be added later; payloads carry small JSON only (depths,
// scores, metrics and S3 object keys, never tensors).
import type { WriteReportInput, WriteReportResult } from './report-types';
import type { SearchSpec } from './spec';

/** Input of `resolveDataset` (control queue): a dataset name as imported into S3. */
export interface ResolveDatasetInput {
  dataset: string;
}

/** What the search needs to know of a dataset; `datasetId` is `<name>-<sha8>`. */
export interface DatasetInfo {
  datasetId: string;
  /** Image shape [height, width, channels]. */
  shape: [number, number, number];
  classes: number;
  trainCount: number;
  testCount: number;
}

/** Input shared by train, score and evaluate: which candidate of which search. */
export interface CandidateInput {
  searchId: string;
  /** `initial`, `it<N>-probe` or `it<N>-grown`. */
  candidateId: string;
  spec: SearchSpec;
  datasetId: string;
  /** Residual blocks per stage. */
  depths: number[];
}

/** Metrics of one training epoch; validation comes from the held-out part of the train set. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

/** Result of `trainCandidate` (train queue). */
export interface TrainResult {
  candidateId: string;
  depths: number[];
  epochs: EpochMetrics[];
  /** Validation accuracy after the last epoch. */
  valAccuracy: number;
  trainSeconds: number;
  /** Epoch of the checkpoint this attempt resumed from; null when it started afresh. */
  resumedFromEpoch: number | null;
  checkpointKey: string;
  finalModelKey: string;
  /** Identity of the worker that finished the training. */
  worker: string;
  /** Activity attempt that produced this result (1 = first try). */
  attempt: number;
}

/** Result of `scoreCandidate`: mean VIP per stage, from training images only. */
export interface ScoreResult {
  scores: number[];
  /** Number of pooled features per stage that PLS saw. */
  featureCounts: number[];
  samples: number;
  attempt: number;
}

/** Result of `evaluateCandidate`: test-set figures and cost of the trained model. */
export interface EvaluateResult {
  testAccuracy: number;
  testLoss: number;
  params: number;
  macs: number;
  latencyMs: number;
  attempt: number;
}

/** Heartbeat details of `trainCandidate`, read by `swnas search watch` through describe(). */
export interface TrainHeartbeat {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Training accuracy of the last finished epoch; null during the first. */
  accuracy: number | null;
  /** Key of the newest complete checkpoint, if any. */
  checkpointKey?: string;
}

/** Activities of the control task queue. */
export interface ControlActivities {
  resolveDataset(input: ResolveDatasetInput): Promise<DatasetInfo>;
  writeReport(input: WriteReportInput): Promise<WriteReportResult>;
}

/** Activities of the train task queue. */
export interface TrainActivities {
  trainCandidate(input: CandidateInput): Promise<TrainResult>;
  scoreCandidate(input: CandidateInput): Promise<ScoreResult>;
  evaluateCandidate(input: CandidateInput): Promise<EvaluateResult>;
}

/** Error types that no retry can fix; the retry policy gives up on them at once. */
export const NON_RETRYABLE_ERROR_TYPES = [
  'InvalidSearchSpec',
  'UnknownDataset',
  'DatasetCorrupt',
  'NonFiniteLoss',
  'OutOfMemory',
  'InvalidArchitecture',
];
