// Raw uint8 images as datasets store them, and their conversion into normalised, optionally
// augmented float batches. Augmentation runs in plain JS on the uint8 pixels while the batch
// is written, so it costs one pass over the batch and no extra tensors.
import type { Tensor4D } from '@tensorflow/tfjs';

import { randomInt, type Random } from './prng';
import { tf } from './tf';

/** Images [n, h, w, c] as stored (0..255) with the per-channel normalisation to apply. */
export interface Images {
  /** Row-major pixels [n, h, w, c]. */
  pixels: Uint8Array;
  /** One image's shape [h, w, c]. */
  shape: [number, number, number];
  /** Per-channel mean in pixel units (0..255); normalised = (pixel - mean) / std. */
  mean: number[];
  /** Per-channel standard deviation in pixel units. */
  std: number[];
}

/** Images with one class label (0..classes-1) per image. */
export interface LabeledImages extends Images {
  labels: Uint8Array;
}

/** Random crop and flip applied to training batches. */
export interface Augmentation {
  /** Pad by this many pixels and crop back at a random offset; 0 turns it off. Default 4. */
  crop: number;
  /** Mirror half of the images left-right. Default true. */
  flip: boolean;
}

/** The images' data is inconsistent with their shape, normalisation or labels. */
export class InvalidImages extends Error {
  override name = 'InvalidImages';
}

/** Number of images, after checking that pixels, normalisation and labels agree. */
export function imageCount(images: Images | LabeledImages): number {
  const [height, width, channels] = images.shape;
  const imageSize = height * width * channels;
  if (imageSize <= 0 || images.pixels.length % imageSize !== 0) {
    throw new InvalidImages(
      `${images.pixels.length} pixels is not a whole number of ${images.shape.join('x')} images`,
    );
  }
  if (images.mean.length !== channels || images.std.length !== channels) {
    throw new InvalidImages(`mean and std need ${channels} values, one per channel`);
  }
  if (images.std.some((std) => !(std > 0))) {
    throw new InvalidImages(`std must be positive, got ${images.std.join(',')}`);
  }
  const count = images.pixels.length / imageSize;
  if ('labels' in images && images.labels.length !== count) {
    throw new InvalidImages(`${images.labels.length} labels for ${count} images`);
  }
  return count;
}

/** One image's placement in the batch: shift (dy, dx) into the zero-padded image, mirror. */
interface Placement {
  dy: number;
  dx: number;
  flip: boolean;
}

function placementFor(
  augmentation: Augmentation | undefined,
  random: Random | undefined,
): Placement {
  if (!augmentation || !random) return { dy: 0, dx: 0, flip: false };
  const pad = augmentation.crop;
  const dy = pad > 0 ? randomInt(random, 2 * pad + 1) - pad : 0;
  const dx = pad > 0 ? randomInt(random, 2 * pad + 1) - pad : 0;
  return { dy, dx, flip: augmentation.flip && random() < 0.5 };
}

/**
 * Writes image `source` normalised into `out` at image slot `slot`. Pixels shifted in from
 * outside the image are 0 after normalisation, i.e. the channel mean.
 */
function writeImage(
  images: Images,
  source: number,
  out: Float32Array,
  slot: number,
  place: Placement,
) {
  const [height, width, channels] = images.shape;
  const imageSize = height * width * channels;
  const scale = images.std.map((std) => 1 / std);
  const offset = images.mean.map((mean, c) => -mean * scale[c]);
  const sourceBase = source * imageSize;
  let o = slot * imageSize;

  for (let y = 0; y < height; y++) {
    const sy = y + place.dy;
    for (let x = 0; x < width; x++) {
      const sx = (place.flip ? width - 1 - x : x) + place.dx;
      const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      const s = sourceBase + (sy * width + sx) * channels;
      for (let c = 0; c < channels; c++, o++) {
        out[o] = inside ? images.pixels[s + c] * scale[c] + offset[c] : 0;
      }
    }
  }
}

/** The images at `indices` as a normalised batch [batch, h, w, c], augmented if asked. */
export function imageBatch(
  images: Images,
  indices: ArrayLike<number>,
  augmentation?: Augmentation,
  random?: Random,
): Tensor4D {
  const [height, width, channels] = images.shape;
  const out = new Float32Array(indices.length * height * width * channels);
  for (let i = 0; i < indices.length; i++) {
    writeImage(images, indices[i], out, i, placementFor(augmentation, random));
  }
  return tf.tensor4d(out, [indices.length, height, width, channels]);
}

/** The indices start..end-1, for reading a set in order. */
export function range(start: number, end: number): Uint32Array {
  const indices = new Uint32Array(end - start);
  for (let i = 0; i < indices.length; i++) indices[i] = start + i;
  return indices;
}
