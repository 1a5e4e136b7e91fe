// Parsing of the IDX (MNIST-style) and CIFAR-10/100 binary formats into one raw layout:
// images uint8 [n, h, w, c] (HWC, as TensorFlow.js takes them) and labels uint8 [n].
// Pure: bytes in, bytes out; every check names the file and what is wrong with it.
import { gunzipSync } from 'node:zlib';

/** A source file is not what its format promises; nothing was written. */
export class DatasetFormatError extends Error {
  override name = 'DatasetFormatError';
  constructor(
    readonly file: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problem}`, options);
  }
}

/** One split: images uint8 [count, h, w, c], labels uint8 [count]. */
export interface DatasetSplit {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** A decoded dataset, ready to be written as the four raw objects. */
export interface DecodedDataset {
  /** [h, w, c] of one image. */
  shape: [number, number, number];
  classes: number;
  train: DatasetSplit;
  test: DatasetSplit;
}

/** A named file's bytes, as read from disk (possibly gzipped). */
export interface SourceFile {
  name: string;
  bytes: Uint8Array;
}

const IDX_IMAGES_MAGIC = 0x00000803;
const IDX_LABELS_MAGIC = 0x00000801;
const CIFAR_SIDE = 32;
const CIFAR_CHANNELS = 3;
const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE * CIFAR_CHANNELS;

const hex32 = (value: number) => `0x${value.toString(16).padStart(8, '0')}`;

/** The bytes themselves, or their gunzipped content when they start with gzip's magic. */
export function gunzipIfNeeded(file: SourceFile): Uint8Array {
  const { bytes } = file;
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new DatasetFormatError(file.name, 'gzip data is corrupt or truncated', { cause: err });
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkMagic(file: SourceFile, bytes: Uint8Array, magic: number, what: string): void {
  const headerBytes = magic === IDX_IMAGES_MAGIC ? 16 : 8;
  if (bytes.length < headerBytes) {
    throw new DatasetFormatError(file.name, `${bytes.length} bytes is too short for an IDX header`);
  }
  const found = view(bytes).getUint32(0);
  if (found !== magic) {
    throw new DatasetFormatError(
      file.name,
      `magic number ${hex32(found)} is not ${hex32(magic)} (IDX ${what})`,
    );
  }
}

function checkLength(file: SourceFile, actual: number, expected: number, what: string): void {
  if (actual < expected) {
    throw new DatasetFormatError(
      file.name,
      `truncated: ${actual} bytes, ${expected} expected for ${what}`,
    );
  }
  if (actual > expected) {
    throw new DatasetFormatError(file.name, `${actual - expected} bytes past the end of ${what}`);
  }
}

/** IDX images (magic 0x00000803): pixels [n, h, w, 1]. */
export function parseIdxImages(file: SourceFile): {
  count: number;
  h: number;
  w: number;
  pixels: Uint8Array;
} {
  const bytes = gunzipIfNeeded(file);
  checkMagic(file, bytes, IDX_IMAGES_MAGIC, 'uint8 images, 3 dimensions');

  const header = view(bytes);
  const [count, h, w] = [header.getUint32(4), header.getUint32(8), header.getUint32(12)];
  if (h === 0 || w === 0) throw new DatasetFormatError(file.name, `image size ${h}x${w} is empty`);
  checkLength(file, bytes.length, 16 + count * h * w, `${count} images of ${h}x${w}`);
  return { count, h, w, pixels: bytes.subarray(16) };
}

/** IDX labels (magic 0x00000801): labels [n]. */
export function parseIdxLabels(file: SourceFile): Uint8Array {
  const bytes = gunzipIfNeeded(file);
  checkMagic(file, bytes, IDX_LABELS_MAGIC, 'uint8 labels, 1 dimension');

  const count = view(bytes).getUint32(4);
  checkLength(file, bytes.length, 8 + count, `${count} labels`);
  return bytes.subarray(8);
}

/** Fails on the first label outside 0..classes-1. */
export function checkLabelRange(fileName: string, labels: Uint8Array, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new DatasetFormatError(
        fileName,
        `label ${labels[i]} at record ${i} is out of range 0..${classes - 1}`,
      );
    }
  }
}

function idxSplit(images: SourceFile, labels: SourceFile, classes: number) {
  const parsed = parseIdxImages(images);
  const labelBytes = parseIdxLabels(labels);
  if (labelBytes.length !== parsed.count) {
    throw new DatasetFormatError(
      labels.name,
      `holds ${labelBytes.length} labels but ${images.name} holds ${parsed.count} images`,
    );
  }
  checkLabelRange(labels.name, labelBytes, classes);
  const split: DatasetSplit = { count: parsed.count, images: parsed.pixels, labels: labelBytes };
  return { split, h: parsed.h, w: parsed.w };
}

/** The four IDX files of an MNIST-style dataset, decoded and checked against each other. */
export function decodeIdx(
  files: {
    trainImages: SourceFile;
    trainLabels: SourceFile;
    testImages: SourceFile;
    testLabels: SourceFile;
  },
  classes: number,
): DecodedDataset {
  const train = idxSplit(files.trainImages, files.trainLabels, classes);
  const test = idxSplit(files.testImages, files.testLabels, classes);
  if (train.h !== test.h || train.w !== test.w) {
    throw new DatasetFormatError(
      files.testImages.name,
      `images are ${test.h}x${test.w} but training images are ${train.h}x${train.w}`,
    );
  }
  return { shape: [train.h, train.w, 1], classes, train: train.split, test: test.split };
}

/**
 * CIFAR binary batches: per record `labelBytes` label bytes (CIFAR-10: 1; CIFAR-100: 2, coarse
 * then fine, the fine one is kept) and 3072 pixel bytes in CHW order, converted to HWC.
 */
export function decodeCifarSplit(
  files: SourceFile[],
  labelBytes: 1 | 2,
  classes: number,
): DatasetSplit {
  const recordBytes = labelBytes + CIFAR_PIXELS;
  const batches = files.map((file) => ({ name: file.name, bytes: gunzipIfNeeded(file) }));
  for (const { name, bytes } of batches) {
    if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
      throw new DatasetFormatError(
        name,
        `truncated or not a CIFAR batch: ${bytes.length} bytes is not a multiple of the ` +
          `${recordBytes}-byte record`,
      );
    }
  }

  const count = batches.reduce((sum, batch) => sum + batch.bytes.length / recordBytes, 0);
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Uint8Array(count);
  let record = 0;
  for (const { name, bytes } of batches) {
    for (let offset = 0; offset < bytes.length; offset += recordBytes, record++) {
      labels[record] = bytes[offset + labelBytes - 1];
      chwToHwc(
        bytes.subarray(offset + labelBytes, offset + recordBytes),
        images,
        record * CIFAR_PIXELS,
      );
    }
    const fileLabels = labels.subarray(record - bytes.length / recordBytes, record);
    checkLabelRange(name, fileLabels, classes);
  }
  return { count, images, labels };
}

// Source [3, 32, 32] planes -> target [32, 32, 3] interleaved.
function chwToHwc(source: Uint8Array, target: Uint8Array, targetOffset: number): void {
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let pixel = 0; pixel < plane; pixel++) {
    const base = targetOffset + pixel * CIFAR_CHANNELS;
    target[base] = source[pixel];
    target[base + 1] = source[plane + pixel];
    target[base + 2] = source[2 * plane + pixel];
  }
}

/** CIFAR-10 or CIFAR-100 from its training and test batch files. */
export function decodeCifar(
  trainFiles: SourceFile[],
  testFiles: SourceFile[],
  labelBytes: 1 | 2,
  classes: number,
): DecodedDataset {
  return {
    shape: [CIFAR_SIDE, CIFAR_SIDE, CIFAR_CHANNELS],
    classes,
    train: decodeCifarSplit(trainFiles, labelBytes, classes),
    test: decodeCifarSplit(testFiles, labelBytes, classes),
  };
}

/** Per-channel mean and standard deviation of uint8 HWC images, on the 0..1 scale. */
export function channelStats(
  images: Uint8Array,
  channels: number,
): { mean: number[]; std: number[] } {
  const sums = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < images.length; i++) {
    const value = images[i];
    sums[i % channels] += value;
    squares[i % channels] += value * value;
  }
  const perChannel = images.length / channels;
  const mean = Array.from(sums, (sum) => sum / perChannel / 255);
  const std = Array.from(squares, (square, c) => {
    const variance = square / perChannel / (255 * 255) - mean[c] * mean[c];
    return Math.sqrt(Math.max(variance, 0));
  });
  return { mean, std };
}
