// TensorFlow.js models in the object store, in the layers format that tf.loadLayersModel reads:
// `<prefix>model.json` (topology + weights manifest) and `<prefix>weights.bin`.
import type { io } from '@tensorflow/tfjs';

import { ObjectStore } from './s3-store';
import { tf } from './tf';

/** The two files of a saved layers model. */
export interface ModelFiles {
  modelJson: Uint8Array;
  weightsBin: Uint8Array;
}

/** File name of the weights next to model.json. */
export const WEIGHTS_FILE = 'weights.bin';

/** Serialises model artifacts (from tf.io.withSaveHandler) into model.json + weights.bin. */
export function artifactsToFiles(artifacts: io.ModelArtifacts): ModelFiles {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new TypeError('binary (graph model) topologies are not supported; save a layers model');
  }
  const weights = artifacts.weightData
    ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
    : new ArrayBuffer(0);
  const modelJson: io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    trainingConfig: artifacts.trainingConfig,
    userDefinedMetadata: artifacts.userDefinedMetadata,
  };
  return {
    modelJson: Buffer.from(JSON.stringify(modelJson)),
    weightsBin: new Uint8Array(weights),
  };
}

// A copy in an ArrayBuffer of its own: Node's Buffers may be views into a shared pool.
const ownBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

/** Rebuilds model artifacts from model.json bytes, reading each weights file it names. */
export async function filesToArtifacts(
  modelJson: Uint8Array,
  readWeights: (path: string) => Promise<Uint8Array>,
): Promise<io.ModelArtifacts> {
  const parsed = JSON.parse(Buffer.from(modelJson).toString('utf8')) as io.ModelJSON;
  return tf.io.getModelArtifactsForJSON(parsed, async (manifest) => {
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const path of group.paths) buffers.push(ownBuffer(await readWeights(path)));
    }
    return [tf.io.getWeightSpecs(manifest), tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

/**
 * An IO handler over `<prefix>model.json` and `<prefix>weights.bin` in the store:
 * `model.save(s3IOHandler(store, prefix))` and `tf.loadLayersModel(s3IOHandler(store, prefix))`.
 * Saving writes the weights first and model.json last, so a model exists once model.json does.
 */
export function s3IOHandler(store: ObjectStore, prefix: string): io.IOHandler {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      const files = artifactsToFiles(artifacts);
      await store.putObject(`${base}${WEIGHTS_FILE}`, files.weightsBin);
      await store.putObject(`${base}model.json`, files.modelJson, {
        contentType: 'application/json',
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<io.ModelArtifacts> {
      const modelJson = await store.getObject(`${base}model.json`);
      return filesToArtifacts(modelJson, (path) => store.getObject(`${base}${path}`));
    },
  };
}
