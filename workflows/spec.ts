// The search specification: every knob of a search, its defaults, and one validator shared by
// the command line (checks before starting) and the workflow (checks again, durably).
import { ApplicationFailure } from '@temporalio/workflow';
import { describeProblems, fieldChecks, unknownKeyProblems } from './spec-checks';

/** Learning-rate schedule; `step` multiplies by `gamma` at each milestone (fraction of epochs). */
export interface LearningRateSpec {
  /** Default 0.1. */
  initial: number;
  /** Default 'step'. */
  schedule: 'step' | 'cosine';
  /** Fractions of the epochs where a step schedule decays; default [0.5, 0.75]. */
  milestones: number[];
  /** Decay factor at each milestone; default 0.1. */
  gamma: number;
}

/** Retry policy of the train/score/evaluate activities. */
export interface RetrySpec {
  /** Default 5. */
  maximumAttempts: number;
  /** Default 1000. */
  initialIntervalMs: number;
  /** Default 2. */
  backoffCoefficient: number;
  /** Default 60000. */
  maximumIntervalMs: number;
}

/** Everything a search needs; `validateSpec` fills the defaults. */
export interface SearchSpec {
  /** Name of a dataset imported with `swnas dataset import`; required. */
  dataset: string;
  /** Residual blocks per stage of the initial candidate; default [2, 2, 2]. */
  initialDepths: number[];
  /** Filters per stage; default [16, 32, 64]. */
  widths: number[];
  /** Blocks added to a stage that grows (k); default 2. */
  growthStep: number;
  /** Upper bound on probe/grow iterations; default 5. */
  maxIterations: number;
  /** PLS latent components for stage importance; default 2. */
  components: number;
  /** Training images scored by PLS/VIP; default 2000. */
  featureSamples: number;
  /** Training epochs per candidate; default 10. */
  epochs: number;
  /** Default 128. */
  batchSize: number;
  learningRate: LearningRateSpec;
  /** SGD momentum; default 0.9. */
  momentum: number;
  /** L2 weight decay of convolutions; default 1e-4. */
  weightDecay: number;
  /** Random crop padding in pixels (0 = off; default 4) and horizontal flips (default off). */
  augment: { cropPadding: number; flip: boolean };
  /** Fraction of the train set held out for validation; default 0.1. */
  validationFraction: number;
  /** Seed of initialisation, split and shuffling; default 1. */
  seed: number;
  /** Use only the first N training images (quick runs); default: all. */
  trainLimit?: number;
  /** Guard against runaway growth: no stage deeper than this; default 64. */
  maxDepthPerStage: number;
  retry: RetrySpec;
  /** Training start-to-close (default 12 h) and heartbeat (default 30 s) timeouts. */
  timeouts: { trainStartToCloseMs: number; heartbeatMs: number };
}

/** Defaults of every field but `dataset`. */
export const DEFAULT_SPEC: Omit<SearchSpec, 'dataset'> = {
  initialDepths: [2, 2, 2],
  widths: [16, 32, 64],
  growthStep: 2,
  maxIterations: 5,
  components: 2,
  featureSamples: 2000,
  epochs: 10,
  batchSize: 128,
  learningRate: { initial: 0.1, schedule: 'step', milestones: [0.5, 0.75], gamma: 0.1 },
  momentum: 0.9,
  weightDecay: 1e-4,
  augment: { cropPadding: 4, flip: false },
  validationFraction: 0.1,
  seed: 1,
  maxDepthPerStage: 64,
  retry: {
    maximumAttempts: 5,
    initialIntervalMs: 1000,
    backoffCoefficient: 2,
    maximumIntervalMs: 60_000,
  },
  timeouts: { trainStartToCloseMs: 12 * 3_600_000, heartbeatMs: 30_000 },
};

/** Error type of a spec that cannot run; never retried. */
export const INVALID_SPEC_ERROR = 'InvalidSearchSpec';

/** Fills defaults into a partial spec (nested objects merge field by field). */
export function withDefaults(partial: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...DEFAULT_SPEC, ...partial };
  for (const key of ['learningRate', 'augment', 'retry', 'timeouts'] as const) {
    const given = partial[key];
    if (isRecord(given)) merged[key] = { ...DEFAULT_SPEC[key], ...given };
  }
  return merged;
}

/** Every problem of a partial spec, one sentence each; empty when it is valid. */
export function specProblems(partial: unknown): string[] {
  if (!isRecord(partial))
    return ['the spec must be a JSON object such as {"dataset": "fashion-mnist"}'];
  const merged = withDefaults(partial);
  return [...unknownKeyProblems(partial, DEFAULT_SPEC), ...fieldChecks(merged)];
}

/**
 * Fills the defaults of a partial spec and checks it, throwing a non-retryable
 * `InvalidSearchSpec` ApplicationFailure that lists every problem.
 */
export function validateSpec(partial: unknown): SearchSpec {
  const problems = specProblems(partial);
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(describeProblems(problems), INVALID_SPEC_ERROR);
  }
  return withDefaults(partial as Record<string, unknown>) as unknown as SearchSpec;
}

/** Training images left after the validation split and the optional limit. */
export function trainingImages(spec: SearchSpec, trainCount: number): number {
  const limited = Math.min(trainCount, spec.trainLimit ?? trainCount);
  return limited - Math.ceil(limited * spec.validationFraction);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
