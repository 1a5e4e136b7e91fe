// The activities of a search, proxied with options taken from its spec: retry policy,
// timeouts, heartbeats (so cancellation reaches a running training) and a UI summary that
// names the candidate.
import {
  ActivityCancellationType,
  proxyActivities,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import {
  NON_RETRYABLE_ERROR_TYPES,
  type CandidateInput,
  type ControlActivities,
  type DatasetInfo,
  type EvaluateResult,
  type ScoreResult,
  type TrainActivities,
  type TrainResult,
} from './activity-types';
import { TRAIN_TASK_QUEUE } from './constants';
import type { WriteReportInput, WriteReportResult } from './report-types';
import type { SearchSpec } from './spec';

/** Start-to-close timeout of resolveDataset: it reads one manifest. */
const RESOLVE_TIMEOUT_MS = 5 * 60_000;

/** The search's activities with their options. */
export class SearchActivities {
  private readonly trainOptions: ActivityOptions;
  private readonly control: ControlActivities;
  private readonly trainQueue: ReturnType<typeof proxyActivities<TrainActivities>>;

  /** Train, score and evaluate go to `trainTaskQueue`; resolveDataset to the workflow's queue. */
  constructor(spec: SearchSpec, trainTaskQueue = TRAIN_TASK_QUEUE) {
    const retry = retryPolicy(spec);
    this.trainOptions = {
      taskQueue: trainTaskQueue,
      startToCloseTimeout: spec.timeouts.trainStartToCloseMs,
      heartbeatTimeout: spec.timeouts.heartbeatMs,
      retry,
      // The workflow ends only after the training loop has seen the cancellation and stopped.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    };
    this.trainQueue = proxyActivities<TrainActivities>(this.trainOptions);
    // No task queue: the workflow's own, which is swnas-control in a deployment.
    this.control = proxyActivities<ControlActivities>({
      startToCloseTimeout: RESOLVE_TIMEOUT_MS,
      retry,
    });
  }

  writeReport(input: WriteReportInput): Promise<WriteReportResult> {
    return this.control.writeReport(input);
  }

  resolveDataset(dataset: string): Promise<DatasetInfo> {
    return this.control.resolveDataset({ dataset });
  }

  train(input: CandidateInput): Promise<TrainResult> {
    const options = { ...this.trainOptions, summary: summary('train', input) };
    return this.trainQueue.trainCandidate.executeWithOptions(options, [input]);
  }

  score(input: CandidateInput): Promise<ScoreResult> {
    const options = { ...this.trainOptions, summary: summary('score', input) };
    return this.trainQueue.scoreCandidate.executeWithOptions(options, [input]);
  }

  evaluate(input: CandidateInput): Promise<EvaluateResult> {
    const options = { ...this.trainOptions, summary: summary('evaluate', input) };
    return this.trainQueue.evaluateCandidate.executeWithOptions(options, [input]);
  }
}

/** Temporal retry policy of a spec; bad-input errors are never retried. */
export function retryPolicy(spec: SearchSpec): RetryPolicy {
  return {
    maximumAttempts: spec.retry.maximumAttempts,
    initialInterval: spec.retry.initialIntervalMs,
    backoffCoefficient: spec.retry.backoffCoefficient,
    maximumInterval: spec.retry.maximumIntervalMs,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  };
}

function summary(step: string, input: CandidateInput): string {
  return `${step} ${input.candidateId} [${input.depths.join(',')}]`;
}
