import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';

import { PutObjectCommand } from '@aws-sdk/client-s3';

import { DatasetFormatError } from '../../activities/dataset-codec';
import { DatasetCorrupt, loadDataset } from '../../activities/dataset-cache';
import {
  DatasetNotFound,
  importDataset,
  listDatasets,
  resolveDataset,
} from '../../activities/dataset-import';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR } from '../../activities/dataset-sources';
import { ObjectStore } from '../../activities/s3-store';
import { datasetKey, manifestKey } from '../../activities/store-keys';
import {
  makeIdxData,
  writeCifar100Dir,
  writeCifar10Dir,
  writeIdxDir,
} from '../helpers/dataset-files';
import { runTag, testStore } from '../helpers/s3-env';

const quiet = { info: () => undefined, warn: () => undefined };
const tag = runTag();
const seed = parseInt(tag, 16);
const scratch = mkdtempSync(join(tmpdir(), 'swnas-dataset-test-'));
const names: string[] = [];
let store: ObjectStore;

/** A dataset name of this run, deleted from the bucket afterwards. */
function datasetName(stem: string): string {
  const name = `t${tag}-${stem}`;
  names.push(name);
  return name;
}

before(async () => {
  store = await testStore();
});

after(async () => {
  for (const name of names) await store.deletePrefix(`datasets/${name}-`);
  rmSync(scratch, { recursive: true, force: true });
});

test('imports gzipped and plain IDX files of the same data as one dataset', async () => {
  const data = makeIdxData(seed);
  writeIdxDir(join(scratch, 'idx-gz'), data, true);
  writeIdxDir(join(scratch, 'idx-plain'), data, false);
  const name = datasetName('idx');

  const first = await importDataset(store, {
    name,
    source: { kind: 'idx', dir: join(scratch, 'idx-gz') },
  });
  assert.equal(first.skipped, false);
  assert.match(first.manifest.id, new RegExp(`^${name}-[0-9a-f]{8}$`));
  assert.deepEqual(first.manifest.shape, [6, 5, 1]);
  assert.deepEqual(first.manifest.counts, { train: 20, test: 8 });

  const written = await store.list(`datasets/${first.manifest.id}/`);
  const again = await importDataset(store, {
    name,
    source: { kind: 'idx', dir: join(scratch, 'idx-plain') },
  });
  assert.equal(again.skipped, true);
  assert.equal(again.manifest.id, first.manifest.id);
  assert.deepEqual(
    await store.list(`datasets/${first.manifest.id}/`),
    written,
    'nothing rewritten',
  );

  const images = await store.getObject(datasetKey(first.manifest.id, 'train-images.u8'));
  assert.deepEqual(Buffer.from(images), Buffer.from(data.train.images));
});

test(
  'imports CIFAR-10 batches as HWC images ' + 'with the class names of batches.meta.txt',
  async () => {
    const dir = join(scratch, 'cifar-10-batches-bin');
    writeCifar10Dir(dir, seed);
    const { manifest } = await importDataset(store, {
      name: datasetName('c10'),
      source: { kind: 'cifar10', dir },
    });

    assert.deepEqual(manifest.shape, [32, 32, 3]);
    assert.deepEqual(manifest.counts, { train: 15, test: 3 });
    assert.equal(manifest.classNames[9], 'truck');
    assert.equal(manifest.mean.length, 3);

    // First pixel of the first record: its R, G, B bytes sit 1024 apart in the CHW file.
    const batch = readFileSync(join(dir, 'data_batch_1.bin'));
    const images = await store.getObject(datasetKey(manifest.id, 'train-images.u8'));
    assert.deepEqual([...images.subarray(0, 3)], [batch[1], batch[1 + 1024], batch[1 + 2048]]);
  },
);

test('imports CIFAR-100 with its fine labels', async () => {
  const dir = join(scratch, 'cifar-100-binary');
  writeCifar100Dir(dir, seed);
  const { manifest } = await importDataset(store, {
    name: datasetName('c100'),
    source: { kind: 'cifar100', dir },
  });

  assert.equal(manifest.classes, 100);
  const file = readFileSync(join(dir, 'train.bin'));
  const labels = await store.getObject(datasetKey(manifest.id, 'train-labels.u8'));
  assert.deepEqual(
    [...labels],
    [0, 1, 2, 3, 4, 5].map((i) => file[i * 3074 + 1]),
  );
});

test('rejects broken source files with a DatasetFormatError and writes nothing', async () => {
  const broken: [string, (dir: string) => void, RegExp][] = [
    ['truncated', (dir) => truncate(join(dir, 'train-images-idx3-ubyte'), 40), /truncated/],
    ['magic', (dir) => patch(join(dir, 't10k-labels-idx1-ubyte'), 3, 0x03), /magic number/],
    ['range', (dir) => patch(join(dir, 'train-labels-idx1-ubyte'), 8, 42), /label 42/],
    ['count', (dir) => dropLastLabel(join(dir, 't10k-labels-idx1-ubyte')), /7 labels but/],
  ];
  for (const [stem, damage, message] of broken) {
    const dir = join(scratch, `broken-${stem}`);
    writeIdxDir(dir, makeIdxData(seed), false);
    damage(dir);
    const name = datasetName(stem);

    await assert.rejects(
      importDataset(store, { name, source: { kind: 'idx', dir } }),
      (err: unknown) => {
        assert.ok(err instanceof DatasetFormatError, `${stem}: ${String(err)}`);
        assert.match(err.message, message);
        assert.ok(err.file.startsWith(dir), `${stem}: names the file`);
        return true;
      },
    );
    assert.deepEqual(await store.list(`datasets/${name}-`), [], `${stem}: nothing written`);
  }
});

function truncate(path: string, bytes: number): void {
  writeFileSync(path, readFileSync(path).subarray(0, bytes));
}

// Eight labels become seven: header count and length both shrink, so only the count is wrong.
function dropLastLabel(path: string): void {
  truncate(path, 8 + 7);
  patch(path, 7, 7);
}

function patch(path: string, offset: number, value: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = value;
  writeFileSync(path, bytes);
}

test('downloads a .tar.gz archive and separate .gz files over http', async () => {
  const served = join(scratch, 'served');
  writeCifar10Dir(join(served, 'cifar-10-batches-bin'), seed + 1);
  execFileSync('tar', [
    '-czf',
    join(served, 'cifar-10-binary.tar.gz'),
    '-C',
    served,
    'cifar-10-batches-bin',
  ]);
  writeIdxDir(join(served, 'mnist'), makeIdxData(seed + 2), true);
  const server = await serve(served);
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  try {
    const tarred = await importDataset(store, {
      name: datasetName('url-c10'),
      source: { kind: 'url', urls: [`${base}/cifar-10-binary.tar.gz`] },
    });
    assert.deepEqual(tarred.manifest.counts, { train: 15, test: 3 });

    const gzFiles = [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ];
    const idx = await importDataset(store, {
      name: datasetName('url-idx'),
      source: { kind: 'url', urls: gzFiles.map((file) => `${base}/mnist/${file}.gz`) },
    });
    assert.deepEqual(idx.manifest.counts, { train: 20, test: 8 });

    await assert.rejects(
      importDataset(store, {
        name: datasetName('url-404'),
        source: { kind: 'url', urls: [`${base}/nope.tar.gz`] },
      }),
      /HTTP 404/,
    );
  } finally {
    server.close();
  }
});

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(dir) || !existsSync(path) || basename(path) === '') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(path));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

test('resolves a name to its newest import and an id to itself', async () => {
  const name = datasetName('resolve');
  writeIdxDir(join(scratch, 'r1'), makeIdxData(seed + 10), false);
  writeIdxDir(join(scratch, 'r2'), makeIdxData(seed + 11), false);
  const older = await importDataset(store, {
    name,
    source: { kind: 'idx', dir: join(scratch, 'r1') },
  });
  await new Promise((done) => setTimeout(done, 1_100)); // S3 dates have whole seconds
  const newer = await importDataset(store, {
    name,
    source: { kind: 'idx', dir: join(scratch, 'r2') },
  });

  assert.equal((await resolveDataset(store, name)).id, newer.manifest.id);
  assert.equal((await resolveDataset(store, older.manifest.id)).id, older.manifest.id);
  assert.equal((await listDatasets(store, name)).length, 2);
  await assert.rejects(resolveDataset(store, `${name}-x`), DatasetNotFound);
});

test('downloads a dataset into the cache once and fetches a damaged file again', async () => {
  const data = makeIdxData(seed + 20);
  writeIdxDir(join(scratch, 'cache-src'), data, true);
  const { manifest } = await importDataset(store, {
    name: datasetName('cache'),
    source: { kind: 'idx', dir: join(scratch, 'cache-src') },
  });
  const cacheDir = join(scratch, 'cache');

  const first = await loadDataset(store, manifest.id, { cacheDir, logger: quiet });
  assert.equal(first.fetched.length, 4);
  assert.deepEqual(Buffer.from(first.test.labels), Buffer.from(data.test.labels));

  const second = await loadDataset(store, manifest.id, { cacheDir, logger: quiet });
  assert.deepEqual(second.fetched, []);
  assert.deepEqual(Buffer.from(second.train.images), Buffer.from(data.train.images));

  patch(join(cacheDir, manifest.id, 'train-images.u8'), 3, 255 - data.train.images[3]);
  const third = await loadDataset(store, manifest.id, { cacheDir, logger: quiet });
  assert.deepEqual(third.fetched, ['train-images.u8']);
  assert.deepEqual(Buffer.from(third.train.images), Buffer.from(data.train.images));
});

test('fails with DatasetCorrupt when a dataset object is corrupt in S3', async () => {
  writeIdxDir(join(scratch, 'corrupt-src'), makeIdxData(seed + 30), false);
  const { manifest } = await importDataset(store, {
    name: datasetName('corrupt'),
    source: { kind: 'idx', dir: join(scratch, 'corrupt-src') },
  });
  const key = datasetKey(manifest.id, 'test-labels.u8');
  await store.client.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: Buffer.alloc(8, 1),
      Metadata: { sha256: manifest.sha256['test-labels.u8'] },
    }),
  );

  const cacheDir = join(scratch, 'cache-corrupt');
  await assert.rejects(
    loadDataset(store, manifest.id, { cacheDir, logger: quiet }),
    (err: unknown) => {
      assert.ok(err instanceof DatasetCorrupt, String(err));
      assert.match(err.message, new RegExp(`${key} is corrupt in S3: re-import`));
      return true;
    },
  );
});

test(
  'imports Fashion-MNIST from the Debian package',
  { skip: existsSync(FASHION_MNIST_DIR) ? false : 'apt-get install dataset-fashion-mnist' },
  async () => {
    const source = {
      kind: 'idx' as const,
      dir: FASHION_MNIST_DIR,
      classNames: FASHION_MNIST_CLASSES,
    };
    const { manifest } = await importDataset(store, { name: 'fashion-mnist', source });

    assert.deepEqual(manifest.shape, [28, 28, 1]);
    assert.deepEqual(manifest.counts, { train: 60_000, test: 10_000 });
    assert.equal(manifest.classNames[9], 'Ankle boot');
    assert.ok(Math.abs(manifest.mean[0] - 0.286) < 0.001, `mean ${manifest.mean[0]}`);
    assert.ok(Math.abs(manifest.std[0] - 0.353) < 0.001, `std ${manifest.std[0]}`);
    assert.ok(await store.exists(manifestKey(manifest.id)));
  },
);
