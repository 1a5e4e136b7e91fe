// The splits a search trains on: an optional training-set limit, a seeded validation hold-out
// taken from the training images (all search decisions use it), and the official test split
// (reported only). Every worker derives the same splits from the same spec.
import type { LoadedDataset, SplitBytes } from './dataset-cache';
import type { LabeledImages } from './images';
import { seededRandom, shuffledIndices } from './prng';

/** What the split depends on; fields of the search spec. */
export interface SplitSpec {
  /** Use only the first N training images; default all. */
  trainLimit?: number;
  /** Fraction of the (limited) training images held out for validation, in (0, 1). */
  validationFraction: number;
  seed: number;
}

export interface SearchData {
  classes: number;
  train: LabeledImages;
  validation: LabeledImages;
  test: LabeledImages;
}

/** The PRNG stream of the split, apart from those of initialisation and shuffling. */
const SPLIT_STREAM = 7;

function pick(split: SplitBytes, indices: ArrayLike<number>, imageSize: number) {
  const pixels = new Uint8Array(indices.length * imageSize);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const source = indices[i];
    pixels.set(split.images.subarray(source * imageSize, (source + 1) * imageSize), i * imageSize);
    labels[i] = split.labels[source];
  }
  return { pixels, labels };
}

/** Train / validation / test images of `dataset` for a search with `spec`. */
export function searchData(dataset: LoadedDataset, spec: SplitSpec): SearchData {
  const { manifest } = dataset;
  const [height, width, channels] = manifest.shape;
  const imageSize = height * width * channels;
  // The manifest keeps the statistics on the 0..1 scale; images normalise in pixel units.
  const normalisation = {
    shape: manifest.shape,
    mean: manifest.mean.map((m) => m * 255),
    std: manifest.std.map((s) => s * 255),
  };

  const available = manifest.counts.train;
  const used = Math.min(spec.trainLimit ?? available, available);
  const order = shuffledIndices(used, seededRandom(spec.seed, SPLIT_STREAM));
  const validationCount = Math.max(1, Math.round(used * spec.validationFraction));
  const validation = order.subarray(0, validationCount);
  const train = order.subarray(validationCount);

  const testAll = Uint32Array.from({ length: manifest.counts.test }, (_, i) => i);
  return {
    classes: manifest.classes,
    train: { ...normalisation, ...pick(dataset.train, train, imageSize) },
    validation: { ...normalisation, ...pick(dataset.train, validation, imageSize) },
    test: { ...normalisation, ...pick(dataset.test, testAll, imageSize) },
  };
}
