// Resumable training state of one candidate in the object store:
//   searches/<id>/candidates/<cand>/epoch-<E>/{model.json, weights.bin, optimizer.bin, state.json}
// state.json lists the sha256 and size of every other part and is written last: it marks the
// checkpoint complete. Readers take the newest complete checkpoint whose parts all verify.
import type { io, LayersModel, Tensor } from '@tensorflow/tfjs';

import type { OptimizerState } from './optimizer';
import { artifactsToFiles, filesToArtifacts, s3IOHandler, WEIGHTS_FILE } from './s3-io-handler';
import { ObjectStore, sha256Hex } from './s3-store';
import { ObjectCorrupt, ObjectMissing } from './store-errors';
import { candidatePrefix, epochPrefix, finalPrefix } from './store-keys';
import { defaultLogger, Logger } from './store-log';
import { tf } from './tf';

/** A tensor with the name it is saved under (the form optimizer.getWeights() returns). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** The JSON half of a checkpoint: everything besides weights that a resume needs. */
export interface CheckpointState {
  /** Epochs completed; training resumes at this epoch index. */
  epoch: number;
  /** Per-epoch metrics so far (loss, accuracy, ...), oldest first. */
  metrics: unknown[];
  /** Optimizer, learning rate schedule, batch size, seed: whatever the trainer needs. */
  trainingConfig: unknown;
  /** The candidate's architecture (depths, widths, input shape, classes). */
  architecture: unknown;
}

type PartName = 'model.json' | 'weights.bin' | 'optimizer.bin';

interface StateFile extends CheckpointState {
  format: 'swnas-checkpoint/1';
  searchId: string;
  candidateId: string;
  optimizerSpecs: io.WeightsManifestEntry[];
  parts: Record<PartName, { sha256: string; sizeBytes: number }>;
}

/** What saveCheckpoint writes. */
export interface SaveCheckpointInput extends CheckpointState {
  searchId: string;
  candidateId: string;
  model: LayersModel;
  optimizerWeights: NamedTensor[];
  /** Complete checkpoints to keep; older ones are deleted. Default 2. */
  keep?: number;
}

/** A checkpoint read back; the caller disposes `optimizerWeights` tensors once applied. */
export interface LoadedCheckpoint extends CheckpointState {
  prefix: string;
  modelArtifacts: io.ModelArtifacts;
  optimizerWeights: NamedTensor[];
}

/** A checkpoint part does not match the digest its state.json records. */
export class CheckpointCorrupt extends Error {
  override name = 'CheckpointCorrupt';
}

const PARTS: PartName[] = ['model.json', WEIGHTS_FILE, 'optimizer.bin'] as PartName[];

async function modelArtifacts(model: LayersModel): Promise<io.ModelArtifacts> {
  let captured: io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!captured) throw new Error('model.save produced no artifacts');
  return captured;
}

/** Writes a complete checkpoint (state.json last), then prunes older ones. */
export async function saveCheckpoint(
  store: ObjectStore,
  input: SaveCheckpointInput,
): Promise<string> {
  const { searchId, candidateId, epoch } = input;
  const prefix = epochPrefix(searchId, candidateId, epoch);

  const files = artifactsToFiles(await modelArtifacts(input.model));
  const optimizer = await tf.io.encodeWeights(input.optimizerWeights);
  const bytes: Record<PartName, Uint8Array> = {
    'model.json': files.modelJson,
    'weights.bin': files.weightsBin,
    'optimizer.bin': new Uint8Array(optimizer.data),
  };

  const parts = {} as StateFile['parts'];
  for (const part of PARTS) {
    const written = await store.putObject(`${prefix}${part}`, bytes[part]);
    parts[part] = {
      sha256: written.sha256 ?? sha256Hex(bytes[part]),
      sizeBytes: written.sizeBytes,
    };
  }
  const state: StateFile = {
    format: 'swnas-checkpoint/1',
    searchId,
    candidateId,
    epoch,
    metrics: input.metrics,
    trainingConfig: input.trainingConfig,
    architecture: input.architecture,
    optimizerSpecs: optimizer.specs,
    parts,
  };
  await store.putJson(`${prefix}state.json`, state);

  await pruneCheckpoints(store, searchId, candidateId, input.keep ?? 2);
  return prefix;
}

/** Epochs that have a folder under the candidate, newest first, with the files each holds. */
async function listEpochs(
  store: ObjectStore,
  searchId: string,
  candidateId: string,
): Promise<{ epoch: number; files: Set<string> }[]> {
  const base = candidatePrefix(searchId, candidateId);
  const byEpoch = new Map<number, Set<string>>();
  for (const object of await store.list(`${base}epoch-`)) {
    const match = /^epoch-(\d+)\/(.+)$/.exec(object.key.slice(base.length));
    if (!match) continue;
    const epoch = Number(match[1]);
    if (!byEpoch.has(epoch)) byEpoch.set(epoch, new Set());
    byEpoch.get(epoch)?.add(match[2]);
  }
  return [...byEpoch.entries()]
    .map(([epoch, files]) => ({ epoch, files }))
    .sort((a, b) => b.epoch - a.epoch);
}

async function readCheckpoint(store: ObjectStore, prefix: string): Promise<LoadedCheckpoint> {
  const state = await store.getJson<StateFile>(`${prefix}state.json`);
  const bytes = {} as Record<PartName, Uint8Array>;
  for (const part of PARTS) {
    const data = await store.getObject(`${prefix}${part}`);
    const expected = state.parts[part];
    if (data.length !== expected.sizeBytes || sha256Hex(data) !== expected.sha256) {
      throw new CheckpointCorrupt(`${prefix}${part} does not match the digest in state.json`);
    }
    bytes[part] = data;
  }

  const modelArtifacts = await filesToArtifacts(bytes['model.json'], async (path) => {
    if (path !== WEIGHTS_FILE) throw new CheckpointCorrupt(`${prefix}model.json names ${path}`);
    return bytes['weights.bin'];
  });
  const optimizerData = new Uint8Array(bytes['optimizer.bin']).buffer;
  const decoded = tf.io.decodeWeights(optimizerData, state.optimizerSpecs);
  return {
    prefix,
    epoch: state.epoch,
    metrics: state.metrics,
    trainingConfig: state.trainingConfig,
    architecture: state.architecture,
    modelArtifacts,
    optimizerWeights: state.optimizerSpecs.map((spec) => ({
      name: spec.name,
      tensor: decoded[spec.name],
    })),
  };
}

/**
 * The newest complete checkpoint whose parts all verify, or undefined when there is none.
 * Incomplete and corrupt checkpoints are logged and skipped.
 */
export async function latestCheckpoint(
  store: ObjectStore,
  searchId: string,
  candidateId: string,
  logger: Logger = defaultLogger,
): Promise<LoadedCheckpoint | undefined> {
  for (const { epoch, files } of await listEpochs(store, searchId, candidateId)) {
    const meta = { searchId, candidateId, epoch };
    if (!files.has('state.json')) {
      logger.warn('checkpoint incomplete (no state.json); trying an older one', meta);
      continue;
    }
    try {
      return await readCheckpoint(store, epochPrefix(searchId, candidateId, epoch));
    } catch (err) {
      const unreadable =
        err instanceof CheckpointCorrupt ||
        err instanceof ObjectCorrupt ||
        err instanceof ObjectMissing;
      if (!unreadable) throw err;
      logger.warn('checkpoint unreadable; trying an older one', { ...meta, error: err.message });
    }
  }
  return undefined;
}

/** A LayersModel from a loaded checkpoint (compile it before training on). */
export function restoreModel(checkpoint: LoadedCheckpoint): Promise<LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(checkpoint.modelArtifacts));
}

/** Deletes the checkpoints older than the `keep` newest complete ones; returns their epochs. */
export async function pruneCheckpoints(
  store: ObjectStore,
  searchId: string,
  candidateId: string,
  keep: number,
): Promise<number[]> {
  const epochs = await listEpochs(store, searchId, candidateId);
  const complete = epochs.filter(({ files }) => files.has('state.json'));
  if (complete.length <= keep) return [];

  const oldestKept = complete[keep - 1].epoch;
  const doomed = epochs.filter(({ epoch }) => epoch < oldestKept).map(({ epoch }) => epoch);
  for (const epoch of doomed) {
    // state.json first, so that a prune cut short never leaves a "complete" partial checkpoint.
    const prefix = epochPrefix(searchId, candidateId, epoch);
    await store.delete(`${prefix}state.json`);
    await store.deletePrefix(prefix);
  }
  return doomed;
}

/** Saves the trained model under `.../final/` in TensorFlow.js layers format. */
export async function saveFinalModel(
  store: ObjectStore,
  searchId: string,
  candidateId: string,
  model: LayersModel,
): Promise<string> {
  const prefix = finalPrefix(searchId, candidateId);
  await model.save(s3IOHandler(store, prefix));
  return prefix;
}

/** Loads a candidate's final model (tf.loadLayersModel through s3IOHandler). */
export function loadFinalModel(
  store: ObjectStore,
  searchId: string,
  candidateId: string,
): Promise<LayersModel> {
  return tf.loadLayersModel(s3IOHandler(store, finalPrefix(searchId, candidateId)));
}

/** The trainer's OptimizerState as named tensors for saveCheckpoint; the caller disposes them. */
export function optimizerStateTensors(state: OptimizerState): NamedTensor[] {
  return [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.slots.map(({ name, shape, values }) => ({ name, tensor: tf.tensor(values, shape) })),
  ];
}

/** Named tensors of a loaded checkpoint back into the trainer's OptimizerState; disposes them. */
export async function optimizerStateFromTensors(named: NamedTensor[]): Promise<OptimizerState> {
  const [iterations, ...slots] = named;
  try {
    return {
      iterations: (await iterations.tensor.data())[0],
      slots: await Promise.all(
        slots.map(async ({ name, tensor }) => ({
          name,
          shape: [...tensor.shape],
          values: Float32Array.from(await tensor.data()),
        })),
      ),
    };
  } finally {
    tf.dispose(named.map(({ tensor }) => tensor));
  }
}
