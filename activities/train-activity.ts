// The training activity: builds or resumes a candidate, trains it epoch by epoch with a
// checkpoint after each, heartbeats progress every batch, and exports the final model.
// Retries and other workers resume from the newest complete checkpoint in S3.
import type { LayersModel, MomentumOptimizer } from '@tensorflow/tfjs';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { CandidateInput, TrainHeartbeat, TrainResult } from '../workflows/activity-types';
import {
  latestCheckpoint,
  optimizerStateFromTensors,
  optimizerStateTensors,
  restoreModel,
  saveCheckpoint,
  saveFinalModel,
} from './checkpoint';
import {
  architectureOf,
  candidateData,
  toFailure,
  WORKER_NAME,
  workerStore,
} from './candidate-context';
import { buildCandidate } from './model';
import {
  createOptimizer,
  disposeOptimizer,
  type EpochMetrics,
  exportOptimizerState,
  importOptimizerState,
  TrainingCancelled,
  type TrainingConfig,
  trainCandidate as runTraining,
} from './trainer';

/** The trainer's settings for a search spec; stored in every checkpoint. */
function trainingConfigOf(spec: CandidateInput['spec']): TrainingConfig {
  return {
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    learningRate: {
      initial: spec.learningRate.initial,
      decay: spec.learningRate.schedule,
      boundaries: spec.learningRate.milestones,
      factor: spec.learningRate.gamma,
    },
    momentum: spec.momentum,
    augmentation: { crop: spec.augment.cropPadding, flip: spec.augment.flip },
    seed: spec.seed,
  };
}

interface Start {
  model: LayersModel;
  optimizer: MomentumOptimizer;
  startEpoch: number;
  history: EpochMetrics[];
  checkpointKey?: string;
}

/** The newest complete checkpoint's model and optimizer, or a freshly built candidate. */
async function startingPoint(input: CandidateInput, build: () => LayersModel): Promise<Start> {
  const { searchId, candidateId, spec } = input;
  const checkpoint = await latestCheckpoint(workerStore(), searchId, candidateId);
  const optimizer = createOptimizer(spec.learningRate.initial, spec.momentum);
  if (!checkpoint) return { model: build(), optimizer, startEpoch: 0, history: [] };

  const model = await restoreModel(checkpoint);
  await importOptimizerState(
    optimizer,
    await optimizerStateFromTensors(checkpoint.optimizerWeights),
  );
  return {
    model,
    optimizer,
    startEpoch: checkpoint.epoch,
    history: checkpoint.metrics as EpochMetrics[],
    checkpointKey: `${checkpoint.prefix}state.json`,
  };
}

/** Trains one candidate of a search; idempotent under retry (same keys, resumed state). */
export async function trainCandidate(input: CandidateInput): Promise<TrainResult> {
  try {
    return await train(input);
  } catch (err) {
    if (err instanceof TrainingCancelled) throw new CancelledFailure('training cancelled');
    throw toFailure(err);
  }
}

async function train(input: CandidateInput): Promise<TrainResult> {
  const context = Context.current();
  const startedMs = performance.now();
  const { searchId, candidateId, spec } = input;
  const store = workerStore();

  // 1. Data and the point to start from.
  const data = await candidateData(input);
  const architecture = architectureOf(input, data);
  const config = trainingConfigOf(spec);
  const build = () =>
    buildCandidate({ ...architecture, weightDecay: spec.weightDecay, seed: spec.seed });
  const start = await startingPoint(input, build);
  const meta = { searchId, candidateId, depths: input.depths.join(','), worker: WORKER_NAME };
  context.log.info('training candidate', { ...meta, startEpoch: start.startEpoch });

  // 2. Train, with a checkpoint after every epoch and a heartbeat after every batch.
  let checkpointKey = start.checkpointKey;
  let lastAccuracy = start.history.at(-1)?.accuracy ?? null;
  const history = [...start.history];
  try {
    await runTraining(
      start.model,
      data,
      { ...config, startEpoch: start.startEpoch },
      {
        optimizer: start.optimizer,
        signal: context.cancellationSignal,
        onBatchEnd: ({ epoch, batch, batches, loss }) => {
          const details: TrainHeartbeat = {
            epoch,
            epochs: spec.epochs,
            batch,
            batches,
            loss,
            accuracy: lastAccuracy,
            checkpointKey,
          };
          context.heartbeat(details);
        },
        onEpochEnd: async (metrics, optimizer) => {
          history.push(metrics);
          lastAccuracy = metrics.accuracy;
          const weights = optimizerStateTensors(await exportOptimizerState(optimizer));
          try {
            const prefix = await saveCheckpoint(store, {
              searchId,
              candidateId,
              epoch: metrics.epoch,
              metrics: history,
              trainingConfig: config,
              architecture,
              model: start.model,
              optimizerWeights: weights,
            });
            checkpointKey = `${prefix}state.json`;
          } finally {
            weights.forEach(({ tensor }) => tensor.dispose());
          }
          context.log.info('epoch finished', { ...meta, ...metrics });
        },
      },
    );

    // 3. The loadable model, then the result the workflow records.
    const finalPrefix = await saveFinalModel(store, searchId, candidateId, start.model);
    const last = history.at(-1);
    return {
      candidateId,
      depths: input.depths,
      epochs: history.map((m) => ({
        epoch: m.epoch,
        loss: m.loss,
        accuracy: m.accuracy,
        valLoss: m.valLoss ?? NaN,
        valAccuracy: m.valAccuracy ?? NaN,
        seconds: m.seconds,
      })),
      valAccuracy: last?.valAccuracy ?? 0,
      trainSeconds: (performance.now() - startedMs) / 1000,
      resumedFromEpoch: start.startEpoch > 0 ? start.startEpoch : null,
      checkpointKey: checkpointKey ?? '',
      finalModelKey: `${finalPrefix}model.json`,
      worker: WORKER_NAME,
      attempt: context.info.attempt,
    };
  } finally {
    disposeOptimizer(start.optimizer);
    start.model.dispose();
  }
}
