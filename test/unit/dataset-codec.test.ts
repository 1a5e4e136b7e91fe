import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import {
  channelStats,
  DatasetFormatError,
  decodeCifar,
  decodeIdx,
  parseIdxImages,
  parseIdxLabels,
} from '../../activities/dataset-codec';
import { buildManifest } from '../../activities/dataset-import';
import {
  cifarBatch,
  idxImages,
  idxLabels,
  makeIdxData,
  seededBytes,
} from '../helpers/dataset-files';

function idxFiles(data = makeIdxData(7), gzip = false) {
  const pack = (name: string, bytes: Buffer) => ({
    name,
    bytes: gzip ? gzipSync(bytes) : bytes,
  });
  return {
    trainImages: pack('train-images', idxImages(data.train.images, 20, data.h, data.w)),
    trainLabels: pack('train-labels', idxLabels(data.train.labels)),
    testImages: pack('t10k-images', idxImages(data.test.images, 8, data.h, data.w)),
    testLabels: pack('t10k-labels', idxLabels(data.test.labels)),
  };
}

function assertFormatError(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DatasetFormatError, `expected DatasetFormatError, got ${String(err)}`);
    assert.equal(err.file, file);
    assert.match(err.message, pattern);
    return true;
  });
}

test('decodes plain and gzipped IDX files to the same bytes', () => {
  const data = makeIdxData(7);
  const plain = decodeIdx(idxFiles(data, false), 10);
  const gzipped = decodeIdx(idxFiles(data, true), 10);

  assert.deepEqual(plain.shape, [6, 5, 1]);
  assert.equal(plain.train.count, 20);
  assert.equal(plain.test.count, 8);
  assert.deepEqual(Buffer.from(plain.train.images), Buffer.from(data.train.images));
  assert.deepEqual(Buffer.from(plain.test.labels), Buffer.from(data.test.labels));
  assert.deepEqual(Buffer.from(gzipped.train.images), Buffer.from(plain.train.images));
  assert.deepEqual(Buffer.from(gzipped.test.labels), Buffer.from(plain.test.labels));
});

test('rejects an images file whose magic number is wrong, naming the file', () => {
  const bytes = idxImages(new Uint8Array(6), 1, 2, 3);
  bytes.writeUInt32BE(0x00000801, 0);
  assertFormatError(
    () => parseIdxImages({ name: 'imgs', bytes }),
    'imgs',
    /0x00000801 is not 0x00000803/,
  );
});

test('rejects a truncated images file and one with bytes past its end', () => {
  const full = idxImages(new Uint8Array(2 * 3 * 3), 2, 3, 3);
  assertFormatError(
    () => parseIdxImages({ name: 'short', bytes: full.subarray(0, 30) }),
    'short',
    /truncated/,
  );
  const long = Buffer.concat([full, Buffer.from([1, 2])]);
  assertFormatError(
    () => parseIdxImages({ name: 'long', bytes: long }),
    'long',
    /2 bytes past the end/,
  );
});

test('rejects a truncated gzip stream', () => {
  const gz = gzipSync(idxLabels(new Uint8Array(50)));
  const cut = gz.subarray(0, gz.length - 12);
  assertFormatError(() => parseIdxLabels({ name: 'labels.gz', bytes: cut }), 'labels.gz', /gzip/);
});

test('rejects a label outside the class range', () => {
  const files = idxFiles();
  const labels = new Uint8Array(8);
  labels[5] = 10;
  files.testLabels = { name: 't10k-labels', bytes: idxLabels(labels) };
  assertFormatError(() => decodeIdx(files, 10), 't10k-labels', /label 10 at record 5 .* 0\.\.9/);
});

test('rejects images and labels whose counts differ', () => {
  const files = idxFiles();
  files.trainLabels = { name: 'train-labels', bytes: idxLabels(new Uint8Array(19)) };
  assertFormatError(
    () => decodeIdx(files, 10),
    'train-labels',
    /19 labels but train-images holds 20/,
  );
});

test('converts CIFAR-10 records from CHW planes to HWC pixels', () => {
  // Red plane all 10, green 20, blue 30, except pixel 1 of the blue plane.
  const chw = new Uint8Array(3072);
  chw.fill(10, 0, 1024);
  chw.fill(20, 1024, 2048);
  chw.fill(30, 2048, 3072);
  chw[2048 + 1] = 99;
  const batch = { name: 'data_batch_1.bin', bytes: cifarBatch([[3], [7]], [chw, chw]) };
  const decoded = decodeCifar([batch], [batch], 1, 10);

  assert.deepEqual(decoded.shape, [32, 32, 3]);
  assert.equal(decoded.train.count, 2);
  assert.deepEqual([...decoded.train.labels], [3, 7]);
  assert.deepEqual([...decoded.train.images.subarray(0, 6)], [10, 20, 30, 10, 20, 99]);
  assert.deepEqual([...decoded.train.images.subarray(3072, 3075)], [10, 20, 30]);
});

test('keeps the fine label of CIFAR-100 records', () => {
  const pixels = [seededBytes(3072, 1), seededBytes(3072, 2)];
  const batch = {
    name: 'train.bin',
    bytes: cifarBatch(
      [
        [4, 57],
        [19, 99],
      ],
      pixels,
    ),
  };
  const decoded = decodeCifar([batch], [batch], 2, 100);
  assert.deepEqual([...decoded.train.labels], [57, 99]);
});

test('rejects a CIFAR batch cut in the middle of a record', () => {
  const bytes = cifarBatch([[1]], [new Uint8Array(3072)]).subarray(0, 3000);
  assertFormatError(
    () => decodeCifar([{ name: 'data_batch_2.bin', bytes }], [], 1, 10),
    'data_batch_2.bin',
    /not a multiple of the 3073-byte record/,
  );
});

test('rejects a CIFAR-10 label above 9', () => {
  const bytes = cifarBatch([[2], [12]], [new Uint8Array(3072), new Uint8Array(3072)]);
  assertFormatError(
    () => decodeCifar([{ name: 'test_batch.bin', bytes }], [], 1, 10),
    'test_batch.bin',
    /label 12 at record 1/,
  );
});

test('computes per-channel mean and std on the 0..1 scale', () => {
  // Two pixels of two channels: channel 0 is 0 and 255, channel 1 is 51 twice.
  const { mean, std } = channelStats(new Uint8Array([0, 51, 255, 51]), 2);
  assert.deepEqual(mean, [0.5, 0.2]);
  assert.ok(Math.abs(std[0] - 0.5) < 1e-12);
  assert.ok(Math.abs(std[1]) < 1e-6);
});

test('derives the dataset id from the name and the data only', () => {
  const decoded = decodeIdx(idxFiles(makeIdxData(7)), 10);
  const first = buildManifest('tiny', decoded, [], 'idx:/a');
  const again = buildManifest('tiny', decodeIdx(idxFiles(makeIdxData(7), true), 10), [], 'idx:/b');
  const other = buildManifest('tiny', decodeIdx(idxFiles(makeIdxData(8)), 10), [], 'idx:/a');

  assert.match(first.id, /^tiny-[0-9a-f]{8}$/);
  assert.equal(again.id, first.id);
  assert.notEqual(other.id, first.id);
  assert.equal(first.sizeBytes['train-images.u8'], 20 * 6 * 5);
  assert.deepEqual(first.counts, { train: 20, test: 8 });
});
