// Stage features for PLS/VIP: each stage's last-block output, average-pooled with a window
// equal to the last stage's spatial size ('valid' padding, stride = window), flattened.
//
//   32x32 input: stages 32, 16, 8 -> window 8 -> 4x4x16 = 256, 2x2x32 = 128, 1x1x64 = 64
//   28x28 input: stages 28, 14, 7 -> window 7 -> 4x4x16 = 256, 2x2x32 = 128, 1x1x64 = 64
//
// Where a stage's size is not a multiple of the window, 'valid' pooling drops the last
// partial window (rows and columns at the bottom and right edge).
import type { LayersModel, Tensor, Tensor4D } from '@tensorflow/tfjs';

import { stageOutputNames } from './architecture';
import { imageBatch, imageCount, type Images, range } from './images';
import { tf } from './tf';

/** The features of one stage: `rows` images by `cols` features, row-major. */
export interface StageFeatures {
  /** 1-based stage number. */
  stage: number;
  /** Layer whose output was pooled, e.g. `stage1_out`. */
  layer: string;
  rows: number;
  cols: number;
  values: Float32Array;
}

/** Options for stageFeatures. */
export interface StageFeatureOptions {
  /** Images per forward pass; default 256. */
  batchSize?: number;
}

/** The stage outputs of a candidate built by buildCandidate, in stage order. */
function stageLayers(model: LayersModel) {
  const names = new Set(model.layers.map((layer) => layer.name));
  let stages = 0;
  while (names.has(stageOutputNames(new Array(stages + 1).fill(1))[stages])) stages += 1;
  if (stages === 0) {
    throw new Error(`model ${model.name} has no stage1_out layer; build it with buildCandidate`);
  }
  return stageOutputNames(new Array(stages).fill(1)).map((name) => model.getLayer(name));
}

/** Pooling window = spatial size of the last stage, [h, w]. */
function poolWindow(outputShapes: number[][]): [number, number] {
  const last = outputShapes[outputShapes.length - 1]; // [null, h, w, c]
  return [last[1], last[2]];
}

function pooledSize(shape: number[], window: [number, number]): number {
  const height = Math.floor((shape[1] - window[0]) / window[0]) + 1;
  const width = Math.floor((shape[2] - window[1]) / window[1]) + 1;
  return height * width * shape[3];
}

/**
 * Pooled, flattened stage outputs of `model` on `images` (raw uint8 with normalisation, or an
 * already normalised float tensor [n, h, w, c]), computed `batchSize` images at a time.
 */
export function stageFeatures(
  model: LayersModel,
  images: Images | Tensor4D,
  options: StageFeatureOptions = {},
): StageFeatures[] {
  const batchSize = options.batchSize ?? 256;
  const layers = stageLayers(model);
  const shapes = layers.map((layer) => layer.outputShape as number[]);
  const window = poolWindow(shapes);

  // Shares the trained layers; it owns no weights, so it must not be disposed.
  const extractor = tf.model({
    inputs: model.inputs,
    outputs: layers.map((layer) => layer.output as never),
  });
  const count = images instanceof tf.Tensor ? images.shape[0] : imageCount(images);
  const result = layers.map((layer, s) => {
    const cols = pooledSize(shapes[s], window);
    return {
      stage: s + 1,
      layer: layer.name,
      rows: count,
      cols,
      values: new Float32Array(count * cols),
    };
  });

  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    const pooled = tf.tidy(() => {
      const batch =
        images instanceof tf.Tensor
          ? images.slice(start, end - start)
          : imageBatch(images, range(start, end));
      const outputs = extractor.predict(batch) as Tensor[]; // per stage [b, h, w, c]
      return outputs.map((output) =>
        tf.avgPool(output as Tensor4D, window, window, 'valid').reshape([end - start, -1]),
      );
    });
    pooled.forEach((features, s) => {
      result[s].values.set(features.dataSync(), start * result[s].cols);
      features.dispose();
    });
  }
  return result;
}
