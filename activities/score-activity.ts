// Scoring and evaluation of a trained candidate, both from its exported final model: stage
// importance (PLS + VIP of pooled stage features on a stratified training sample) and the
// test-set figures with cost and latency.
import { Context } from '@temporalio/activity';
import type { CandidateInput, EvaluateResult, ScoreResult } from '../workflows/activity-types';
import { architectureOf, candidateData, toFailure, workerStore } from './candidate-context';
import { loadFinalModel } from './checkpoint';
import { candidateCost } from './cost';
import type { LabeledImages } from './images';
import { sampleStratified, stageImportance } from './pls-vip';
import { stageFeatures } from './stage-features';
import { tf } from './tf';
import { evaluate } from './trainer';

/** The images at `indices` of a labelled set. */
function subset(images: LabeledImages, indices: number[]): LabeledImages {
  const [h, w, c] = images.shape;
  const size = h * w * c;
  const pixels = new Uint8Array(indices.length * size);
  indices.forEach((source, i) =>
    pixels.set(images.pixels.subarray(source * size, (source + 1) * size), i * size),
  );
  return { ...images, pixels, labels: Uint8Array.from(indices, (i) => images.labels[i]) };
}

/** Mean VIP per stage of the candidate's final model; decisions come from training images. */
export async function scoreCandidate(input: CandidateInput): Promise<ScoreResult> {
  const context = Context.current();
  const { searchId, candidateId, spec } = input;
  try {
    const data = await candidateData(input);
    const trainCount = data.train.labels.length;
    const sample = subset(
      data.train,
      sampleStratified(data.train.labels, Math.min(spec.featureSamples, trainCount), spec.seed),
    );
    const model = await loadFinalModel(workerStore(), searchId, candidateId);
    try {
      context.heartbeat({ phase: 'features', samples: sample.labels.length });
      const features = stageFeatures(model, sample);
      const matrices = features.map((f) => ({ data: f.values, rows: f.rows, cols: f.cols }));
      context.heartbeat({ phase: 'pls' });
      const importance = stageImportance(matrices, sample.labels, spec.components);
      context.log.info('candidate scored', { searchId, candidateId, scores: importance.scores });
      return { ...importance, attempt: context.info.attempt };
    } finally {
      model.dispose();
    }
  } catch (err) {
    throw toFailure(err);
  }
}

const LATENCY_WARMUP_RUNS = 3;
const LATENCY_RUNS = 20;

/** Median milliseconds of one single-image forward pass. */
async function latencyMs(model: Parameters<typeof evaluate>[0], images: LabeledImages) {
  const [h, w, c] = images.shape;
  const input = tf.zeros([1, h, w, c]);
  const times: number[] = [];
  try {
    for (let run = 0; run < LATENCY_WARMUP_RUNS + LATENCY_RUNS; run++) {
      const startedMs = performance.now();
      const output = model.predict(input) as ReturnType<typeof tf.zeros>;
      await output.data();
      output.dispose();
      if (run >= LATENCY_WARMUP_RUNS) times.push(performance.now() - startedMs);
    }
  } finally {
    input.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Test accuracy, parameters, MACs and latency of the candidate's final model. */
export async function evaluateCandidate(input: CandidateInput): Promise<EvaluateResult> {
  const context = Context.current();
  const { searchId, candidateId, spec } = input;
  try {
    const data = await candidateData(input);
    const cost = candidateCost(architectureOf(input, data));
    const model = await loadFinalModel(workerStore(), searchId, candidateId);
    try {
      const test = await evaluate(model, data.test, data.test.labels, spec.batchSize);
      const latency = await latencyMs(model, data.test);
      const result = {
        testAccuracy: test.accuracy,
        testLoss: test.loss,
        params: cost.params,
        macs: cost.macs,
        latencyMs: latency,
        attempt: context.info.attempt,
      };
      context.log.info('candidate evaluated', { searchId, candidateId, ...result });
      return result;
    } finally {
      model.dispose();
    }
  } catch (err) {
    throw toFailure(err);
  }
}
