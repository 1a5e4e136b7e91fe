// Stage importance: PLS between a stage's pooled features and one-hot labels, then the VIP
// (variable importance in projection) score of every feature, as in the paper's reference code.
import {
  assertFinite,
  checkComponents,
  checkLabels,
  type FeatureMatrix,
  PlsInputError,
  type FeaturesInput,
  toFeatureMatrix,
} from './pls-input';
import { dot, fitNipals, type NipalsOptions, type PlsFit, standardize } from './pls-nipals';

export { PlsInputError, type FeatureMatrix, type FeaturesInput } from './pls-input';
export { sampleStratified } from './pls-sample';

/** Default number of PLS latent variables, as in the paper. */
export const DEFAULT_COMPONENTS = 2;

/** Features of n samples and their class labels. */
export interface PlsVipInput extends NipalsOptions {
  /** [n, p] features: nested rows or a flat row-major matrix (Float32Array from a tensor). */
  x: FeaturesInput;
  /** Class of every sample, integers 0..classes-1. */
  labels: ArrayLike<number>;
  /** Latent variables to fit (default 2). */
  components?: number;
  /** Number of classes, i.e. one-hot columns (default: largest label + 1). */
  classes?: number;
}

/** VIP per feature, their mean, and how many components the data supported. */
export interface PlsVipResult {
  vip: number[];
  meanVip: number;
  /**
   * Fewer than asked when Y or X has nothing left to explain: sklearn also stops when Y is
   * exhausted, but returns NaN scores when X is; here the fitted components are scored.
   */
  componentsFitted: number;
}

/** Fits PLS2 (sklearn's PLSRegression with scaling) and returns the VIP of every feature. */
export function plsVip(input: PlsVipInput): PlsVipResult {
  const components = input.components ?? DEFAULT_COMPONENTS;
  const matrix = toFeatureMatrix(input.x);
  const { rows: n, cols: p } = matrix;
  checkComponents(components, n, p);
  assertFinite(matrix);
  const q = checkLabels(input.labels, n, input.classes);

  const x = Float64Array.from(matrix.data); // [n, p], deflated in place
  standardize(x, n, p);
  const y = oneHot(input.labels, q); // [n, q]
  standardize(y, n, q);

  const fit = fitNipals(x, y, { n, p, q }, components, input);
  const vip = vipScores(fit, p);
  const meanVip = vip.reduce((sum, v) => sum + v, 0) / p;
  return { vip, meanVip, componentsFitted: fit.xWeights.length };
}

function oneHot(labels: ArrayLike<number>, classes: number): Float64Array {
  const y = new Float64Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) y[i * classes + labels[i]] = 1;
  return y;
}

/**
 * VIP_j = sqrt(p · Σ_a s_a (w_ja / ||w_a||)² / Σ_a s_a) with s_a = (TᵀT QᵀQ)_aa.
 * The scores are orthogonal, so s_a is the Y variance component a explains, (t_a't_a)(q_a'q_a).
 * All zeros when no component could be fitted (e.g. every feature constant).
 */
export function vipScores(fit: PlsFit, p: number): number[] {
  const { xWeights: w, xScores: t, yLoadings: q } = fit;
  const h = w.length;
  const s = new Float64Array(h);
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < h; b++) s[a] += dot(t[a], t[b]) * dot(q[b], q[a]);
  }
  const total = s.reduce((sum, v) => sum + v, 0);
  if (!(total > 0) || !Number.isFinite(total)) return new Array<number>(p).fill(0);

  const weighted = new Float64Array(p);
  for (let a = 0; a < h; a++) {
    const squaredNorm = dot(w[a], w[a]);
    for (let j = 0; j < p; j++) weighted[j] += (s[a] * w[a][j] * w[a][j]) / squaredNorm;
  }
  return Array.from(weighted, (v) => Math.sqrt((p * Math.max(v, 0)) / total));
}

/** Mean VIP of each stage's features, with the feature count of each stage. */
export interface StageImportance {
  scores: number[];
  featureCounts: number[];
  samples: number;
}

/**
 * Scores every stage by the mean VIP of its features against the same labels; each matrix is
 * [samples, features of that stage], row-major. Components default to 2.
 */
export function stageImportance(
  featuresPerStage: readonly FeatureMatrix[],
  labels: ArrayLike<number>,
  components: number = DEFAULT_COMPONENTS,
): StageImportance {
  if (featuresPerStage.length === 0) {
    throw new PlsInputError('featuresPerStage is empty: give one feature matrix per stage');
  }
  const scores = featuresPerStage.map((x, stage) => {
    try {
      return plsVip({ x, labels, components }).meanVip;
    } catch (err) {
      if (!(err instanceof PlsInputError)) throw err;
      throw new PlsInputError(`stage ${stage}: ${err.message}`, { cause: err });
    }
  });
  return {
    scores,
    featureCounts: featuresPerStage.map((x) => x.cols),
    samples: labels.length,
  };
}
