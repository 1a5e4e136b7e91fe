// The growth rule of stage-wise search. Pure: the search workflow and the tests import it.

/** Scores of the current candidate and of its probe (every stage deepened by growthStep). */
export interface GrowthInput {
  /** Block count of every stage of the current candidate. */
  depths: readonly number[];
  /** Importance (mean VIP) of every stage of the current candidate. */
  currentScores: readonly number[];
  /** Importance of every stage of the probe. */
  probeScores: readonly number[];
  /** Blocks a growing stage gains (the search's default is 2). */
  growthStep: number;
}

/** Which stages grow, the depths after growing, and whether the search has converged. */
export interface GrowthDecision {
  grow: boolean[];
  nextDepths: number[];
  /** True when no stage grows: the search stops. */
  converged: boolean;
}

/** Scores or depths that the growth rule cannot compare; a bug upstream, not worth retrying. */
export class GrowthInputError extends Error {
  override name = 'GrowthInputError';
}

/**
 * A stage grows by growthStep iff its probe score is strictly above its current score; ties
 * do not grow. Converged iff no stage grows.
 */
export function decideGrowth(input: GrowthInput): GrowthDecision {
  validate(input);
  const { depths, currentScores, probeScores, growthStep } = input;

  const grow = depths.map((_, stage) => probeScores[stage] > currentScores[stage]);
  const nextDepths = depths.map((depth, stage) => (grow[stage] ? depth + growthStep : depth));
  return { grow, nextDepths, converged: !grow.includes(true) };
}

function validate({ depths, currentScores, probeScores, growthStep }: GrowthInput): void {
  if (depths.length === 0) throw new GrowthInputError('depths is empty: give one depth per stage');
  if (currentScores.length !== depths.length || probeScores.length !== depths.length) {
    throw new GrowthInputError(
      `lengths differ: ${depths.length} depths, ${currentScores.length} current scores, ` +
        `${probeScores.length} probe scores; give one of each per stage`,
    );
  }
  if (!Number.isInteger(growthStep) || growthStep < 1) {
    throw new GrowthInputError(`growthStep is ${growthStep}: give a positive integer`);
  }

  depths.forEach((depth, stage) => {
    if (!Number.isInteger(depth) || depth < 1) {
      throw new GrowthInputError(`depths[${stage}] is ${depth}: give a positive integer`);
    }
  });
  for (const [name, scores] of [
    ['currentScores', currentScores],
    ['probeScores', probeScores],
  ] as const) {
    scores.forEach((score, stage) => {
      if (!Number.isFinite(score)) {
        throw new GrowthInputError(`${name}[${stage}] is ${score}: scores must be finite numbers`);
      }
    });
  }
}
