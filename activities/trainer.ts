// Trains a candidate with a hand-written loop: one optimizer step per batch inside tf.tidy,
// so that every batch can report progress and notice cancellation. Knows nothing of
// Temporal or S3; the training activity passes hooks that heartbeat and checkpoint. On the
// native backend, batch norm and ReLU train on TensorFlow's fused kernels (./fused-ops).
import type {
  LayersModel,
  MomentumOptimizer,
  Scalar,
  Tensor1D,
  Tensor2D,
  Variable,
} from '@tensorflow/tfjs';

import { enableFusedTraining } from './fused-ops';
import {
  type Augmentation,
  imageBatch,
  imageCount,
  InvalidImages,
  type Images,
  type LabeledImages,
  range,
} from './images';
import { type LearningRateSchedule, learningRateAt, resolveSchedule } from './lr-schedule';
import { createOptimizer, disposeOptimizer } from './optimizer';
import { seededRandom, shuffledIndices } from './prng';
import { tf } from './tf';

export {
  createOptimizer,
  disposeOptimizer,
  exportOptimizerState,
  importOptimizerState,
  type OptimizerState,
} from './optimizer';

/** The data a candidate trains on; validation is evaluated after every epoch if given. */
export interface TrainingData {
  classes: number;
  train: LabeledImages;
  validation?: LabeledImages;
}

/** How to train; plain JSON so a checkpoint can store it. */
export interface TrainingConfig {
  /** Total epochs of the run (including any already done before startEpoch). */
  epochs: number;
  /** Images per step; default 128. */
  batchSize?: number;
  /** Learning-rate schedule; default 0.1, x0.1 at 50% and 75% of the epochs. */
  learningRate?: Partial<LearningRateSchedule>;
  /** Nesterov momentum; default 0.9 (used only when the trainer creates the optimizer). */
  momentum?: number;
  /** Training-batch augmentation; default { crop: 4, flip: true }. */
  augmentation?: Partial<Augmentation>;
  /** Seed of the shuffling and augmentation streams; default 0. */
  seed?: number;
  /** Epochs already done (resume); the caller has restored weights and optimizer. Default 0. */
  startEpoch?: number;
  /**
   * Fused batch-norm and ReLU kernels on the native backend (activities/fused-ops);
   * default true.
   */
  fusedKernels?: boolean;
}

/** Metrics of one finished epoch; `epoch` is 1-based (epochs completed so far). */
export interface EpochMetrics {
  epoch: number;
  epochs: number;
  learningRate: number;
  /** Mean training cross-entropy (weight decay not included). */
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
}

/** Progress after one batch; `epoch` and `batch` are 1-based. */
export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}

/** Callbacks and controls of one training run. */
export interface TrainingHooks {
  /** Awaited after every epoch (checkpoint here); receives the optimizer to save. */
  onEpochEnd?(metrics: EpochMetrics, optimizer: MomentumOptimizer): void | Promise<void>;
  /** Awaited after every batch (heartbeat here). */
  onBatchEnd?(progress: BatchProgress): void | Promise<void>;
  /** Checked before every batch; aborting stops training with TrainingCancelled. */
  signal?: AbortSignal;
  /** Optimizer to step (restored on resume); the caller disposes it. Default a fresh one. */
  optimizer?: MomentumOptimizer;
}

/** Training stopped because the signal was aborted. */
export class TrainingCancelled extends Error {
  override name = 'TrainingCancelled';
}

/** The loss became NaN or infinite; lower the learning rate or check the data. */
export class NonFiniteLoss extends Error {
  override name = 'NonFiniteLoss';
}

/** Loss and accuracy of a model on a labelled set. */
export interface Evaluation {
  loss: number;
  accuracy: number;
}

const PROBABILITY_FLOOR = 1e-7;

/** Sum of cross-entropy over the batch: probs [b, classes], labels [b]. */
function crossEntropySum(probs: Tensor2D, labels: Tensor1D, classes: number): Scalar {
  const clipped = probs.clipByValue(PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR);
  const picked = tf.oneHot(labels, classes).mul(clipped.log()).sum(1); // [b]
  return picked.sum().neg() as Scalar;
}

function correctCount(probs: Tensor2D, labels: Tensor1D): Scalar {
  return probs.argMax(1).equal(labels).sum();
}

function labelTensor(labels: Uint8Array, indices: ArrayLike<number>): Tensor1D {
  return tf.tensor1d(
    Int32Array.from(indices, (i) => labels[i]),
    'int32',
  );
}

/** Lets heartbeats, timers and abort events run between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrainingCancelled('training cancelled', { cause: signal.reason });
}

/** Mean loss and accuracy of `model` on `images`, `batchSize` images per forward pass. */
export async function evaluate(
  model: LayersModel,
  images: Images,
  labels: Uint8Array,
  batchSize = 256,
): Promise<Evaluation> {
  const count = imageCount({ ...images, labels });
  const classes = model.outputs[0].shape[1] as number;
  let lossSum = 0;
  let correct = 0;

  for (let start = 0; start < count; start += batchSize) {
    const indices = range(start, Math.min(start + batchSize, count));
    const [batchLoss, batchCorrect] = tf.tidy(() => {
      const probs = model.predict(imageBatch(images, indices)) as Tensor2D;
      const y = labelTensor(labels, indices);
      return [crossEntropySum(probs, y, classes), correctCount(probs, y)];
    });
    lossSum += (await batchLoss.data())[0];
    correct += (await batchCorrect.data())[0];
    tf.dispose([batchLoss, batchCorrect]);
    await yieldToEventLoop();
  }
  return { loss: lossSum / count, accuracy: correct / count };
}

/** One optimizer step; returns the batch's summed cross-entropy, total loss and hits. */
function trainStep(
  model: LayersModel,
  optimizer: MomentumOptimizer,
  variables: Variable[],
  batch: { x: ReturnType<typeof imageBatch>; y: Tensor1D; classes: number },
) {
  return tf.tidy(() => {
    let lossSum: Scalar | undefined;
    let correct: Scalar | undefined;
    const total = optimizer.minimize(
      () => {
        const probs = model.apply(batch.x, { training: true }) as Tensor2D;
        lossSum = tf.keep(crossEntropySum(probs, batch.y, batch.classes));
        correct = tf.keep(correctCount(probs, batch.y));
        const meanLoss = lossSum.div(batch.x.shape[0]) as Scalar;
        const decay = model.calculateLosses(); // L2 terms of the kernel regularizers
        return decay.length > 0 ? (tf.addN([meanLoss, ...decay]) as Scalar) : meanLoss;
      },
      true,
      variables,
    ) as Scalar;
    return { total, lossSum: lossSum as Scalar, correct: correct as Scalar };
  });
}

interface EpochRun {
  model: LayersModel;
  optimizer: MomentumOptimizer;
  data: TrainingData;
  augmentation: Augmentation;
  batchSize: number;
  seed: number;
  hooks: TrainingHooks;
}

/** Runs 0-based epoch `epoch` over the shuffled training set; returns mean loss and accuracy. */
async function runEpoch(run: EpochRun, epoch: number): Promise<Evaluation> {
  const { model, optimizer, data, batchSize, hooks } = run;
  const count = imageCount(data.train);
  const random = seededRandom(run.seed, epoch);
  const order = shuffledIndices(count, random);
  const batches = Math.ceil(count / batchSize);
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  let lossSum = 0;
  let correct = 0;

  for (let batch = 0; batch < batches; batch++) {
    throwIfAborted(hooks.signal);
    const indices = order.subarray(batch * batchSize, Math.min((batch + 1) * batchSize, count));
    const x = imageBatch(data.train, indices, run.augmentation, random);
    const y = labelTensor(data.train.labels, indices);
    let step: ReturnType<typeof trainStep>;
    try {
      step = trainStep(model, optimizer, variables, { x, y, classes: data.classes });
    } finally {
      tf.dispose([x, y]);
    }

    const [total, batchLossSum, batchCorrect] = await Promise.all(
      [step.total, step.lossSum, step.correct].map(async (t) => (await t.data())[0]),
    );
    tf.dispose([step.total, step.lossSum, step.correct]);
    if (!Number.isFinite(total)) {
      throw new NonFiniteLoss(
        `loss became ${total} at epoch ${epoch + 1} batch ${batch + 1}; lower the learning rate`,
      );
    }
    lossSum += batchLossSum;
    correct += batchCorrect;

    const progress = {
      epoch: epoch + 1,
      batch: batch + 1,
      batches,
      loss: batchLossSum / indices.length,
    };
    await hooks.onBatchEnd?.(progress);
    await yieldToEventLoop();
  }
  return { loss: lossSum / count, accuracy: correct / count };
}

/** Checks that the data fits the model: image shape, class count and label range. */
function checkData(model: LayersModel, data: TrainingData): void {
  const inputShape = model.inputs[0].shape.slice(1);
  const outputClasses = model.outputs[0].shape[1];
  for (const [split, set] of Object.entries({ train: data.train, validation: data.validation })) {
    if (!set) continue;
    imageCount(set);
    if (set.shape.join('x') !== inputShape.join('x')) {
      throw new InvalidImages(
        `${split} images are ${set.shape.join('x')} but the model takes ${inputShape.join('x')}`,
      );
    }
    if (set.labels.some((label) => label >= data.classes)) {
      throw new InvalidImages(`${split} labels must be below classes = ${data.classes}`);
    }
  }
  if (outputClasses !== data.classes) {
    throw new InvalidImages(
      `data has ${data.classes} classes but the model outputs ${outputClasses}`,
    );
  }
}

function resolveAugmentation(partial: Partial<Augmentation> = {}): Augmentation {
  const augmentation = { crop: 4, flip: true, ...partial };
  if (!Number.isInteger(augmentation.crop) || augmentation.crop < 0) {
    throw new RangeError(`augmentation.crop is padding in pixels (>= 0), got ${augmentation.crop}`);
  }
  return augmentation;
}

/**
 * Trains `model` from epoch `config.startEpoch` to `config.epochs`, calling the hooks after
 * every batch and epoch; returns the metrics of the epochs it ran. Throws TrainingCancelled
 * when `hooks.signal` aborts (before the next batch) and NonFiniteLoss on NaN/Inf loss.
 */
export async function trainCandidate(
  model: LayersModel,
  data: TrainingData,
  config: TrainingConfig,
  hooks: TrainingHooks = {},
): Promise<EpochMetrics[]> {
  checkData(model, data);
  if (config.fusedKernels ?? true) enableFusedTraining(model);
  const schedule = resolveSchedule(config.learningRate);
  const run: EpochRun = {
    model,
    data,
    hooks,
    optimizer: hooks.optimizer ?? createOptimizer(schedule.initial, config.momentum ?? 0.9),
    augmentation: resolveAugmentation(config.augmentation),
    batchSize: config.batchSize ?? 128,
    seed: config.seed ?? 0,
  };
  const history: EpochMetrics[] = [];

  try {
    for (let epoch = config.startEpoch ?? 0; epoch < config.epochs; epoch++) {
      const learningRate = learningRateAt(schedule, epoch, config.epochs);
      run.optimizer.setLearningRate(learningRate);
      const startedMs = performance.now();

      const train = await runEpoch(run, epoch);
      const validation = data.validation
        ? await evaluate(model, data.validation, data.validation.labels, run.batchSize)
        : undefined;

      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        epochs: config.epochs,
        learningRate,
        loss: train.loss,
        accuracy: train.accuracy,
        valLoss: validation?.loss,
        valAccuracy: validation?.accuracy,
        seconds: (performance.now() - startedMs) / 1000,
      };
      history.push(metrics);
      await hooks.onEpochEnd?.(metrics, run.optimizer);
    }
  } finally {
    if (!hooks.optimizer) disposeOptimizer(run.optimizer);
  }
  return history;
}
