// Small synthetic datasets in the real on-disk formats: IDX (plain or gzipped) and CIFAR binary.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Deterministic bytes from a seed (a linear congruential generator). */
export function seededBytes(length: number, seed: number, modulo = 256): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = (state >>> 24) % modulo;
  }
  return out;
}

/** An IDX images file: magic 0x00000803, count, h, w, then pixels. */
export function idxImages(pixels: Uint8Array, count: number, h: number, w: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(h, 8);
  header.writeUInt32BE(w, 12);
  return Buffer.concat([header, pixels]);
}

/** An IDX labels file: magic 0x00000801, count, then labels. */
export function idxLabels(labels: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, labels]);
}

/** A synthetic MNIST-style dataset: images [n, h, w] and labels per split. */
export interface IdxData {
  h: number;
  w: number;
  train: { images: Uint8Array; labels: Uint8Array };
  test: { images: Uint8Array; labels: Uint8Array };
}

/** Synthetic IDX data of `trainCount` + `testCount` images of h x w, labels < classes. */
export function makeIdxData(seed: number, trainCount = 20, testCount = 8, h = 6, w = 5): IdxData {
  return {
    h,
    w,
    train: {
      images: seededBytes(trainCount * h * w, seed),
      labels: seededBytes(trainCount, seed + 1, 10),
    },
    test: {
      images: seededBytes(testCount * h * w, seed + 2),
      labels: seededBytes(testCount, seed + 3, 10),
    },
  };
}

/** Writes the four IDX files of `data` into dir (gzipped with .gz names when asked). */
export function writeIdxDir(dir: string, data: IdxData, gzip: boolean): void {
  mkdirSync(dir, { recursive: true });
  const ext = gzip ? '.gz' : '';
  const pack = (bytes: Buffer) => (gzip ? gzipSync(bytes) : bytes);
  const { h, w } = data;
  const files: [string, Buffer][] = [
    ['train-images-idx3-ubyte', idxImages(data.train.images, data.train.labels.length, h, w)],
    ['train-labels-idx1-ubyte', idxLabels(data.train.labels)],
    ['t10k-images-idx3-ubyte', idxImages(data.test.images, data.test.labels.length, h, w)],
    ['t10k-labels-idx1-ubyte', idxLabels(data.test.labels)],
  ];
  for (const [name, bytes] of files) writeFileSync(join(dir, name + ext), pack(bytes));
}

/** CIFAR records: per record the label bytes, then 3072 pixel bytes in CHW order. */
export function cifarBatch(labels: number[][], pixelsChw: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  labels.forEach((recordLabels, i) => {
    parts.push(Buffer.from(recordLabels), Buffer.from(pixelsChw[i]));
  });
  return Buffer.concat(parts);
}

/** Writes a CIFAR-10 directory: five training batches and a test batch of `perBatch` records. */
export function writeCifar10Dir(dir: string, seed: number, perBatch = 3): void {
  mkdirSync(dir, { recursive: true });
  const batch = (s: number) => {
    const labels = Array.from(seededBytes(perBatch, s, 10), (label) => [label]);
    const pixels = labels.map((_, i) => seededBytes(3072, s * 100 + i));
    return cifarBatch(labels, pixels);
  };
  for (let n = 1; n <= 5; n++) writeFileSync(join(dir, `data_batch_${n}.bin`), batch(seed + n));
  writeFileSync(join(dir, 'test_batch.bin'), batch(seed + 9));
  const names = [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ];
  writeFileSync(join(dir, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
}

/** Writes a CIFAR-100 directory: train.bin and test.bin with (coarse, fine) label pairs. */
export function writeCifar100Dir(dir: string, seed: number, trainCount = 6, testCount = 3): void {
  mkdirSync(dir, { recursive: true });
  const batch = (s: number, count: number) => {
    const fine = seededBytes(count, s, 100);
    const labels = Array.from(fine, (label) => [label % 20, label]);
    return cifarBatch(
      labels,
      labels.map((_, i) => seededBytes(3072, s * 100 + i)),
    );
  };
  writeFileSync(join(dir, 'train.bin'), batch(seed, trainCount));
  writeFileSync(join(dir, 'test.bin'), batch(seed + 1, testCount));
}
