import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';

import { PutObjectCommand } from '@aws-sdk/client-s3';

import { createS3Client } from '../../activities/s3-client';
import { ObjectStore } from '../../activities/s3-store';
import {
  AccessDenied,
  BucketMissing,
  ObjectCorrupt,
  ObjectMissing,
} from '../../activities/store-errors';
import { formatError } from '../../client/errors';
import { runTag, testStore } from '../helpers/s3-env';
import { privateWeed } from '../helpers/weed';

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let store: ObjectStore;
const prefix = `test-s3-store-${runTag()}/`;
const scratch = mkdtempSync(join(tmpdir(), 'swnas-s3-test-'));

before(async () => {
  store = await testStore({ multipartThresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB });
});

after(async () => {
  await store.deletePrefix(prefix);
  rmSync(scratch, { recursive: true, force: true });
});

test('round-trips bytes and streams byte for byte, with the sha256 as metadata', async () => {
  const bytes = randomBytes(100_000);
  const put = await store.putObject(`${prefix}a.bin`, bytes);
  assert.equal(put.sha256, sha256(bytes));
  assert.deepEqual(Buffer.from(await store.getObject(`${prefix}a.bin`)), bytes);

  await store.putObject(
    `${prefix}b.bin`,
    Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]),
  );
  assert.deepEqual(Buffer.from(await store.getObject(`${prefix}b.bin`)), bytes);
  assert.equal((await store.head(`${prefix}b.bin`))?.sha256, sha256(bytes));
});

test('overwrites an object written again under the same key', async () => {
  await store.putObject(`${prefix}same.bin`, Buffer.from('first'));
  await store.putObject(`${prefix}same.bin`, Buffer.from('second'));
  assert.equal(Buffer.from(await store.getObject(`${prefix}same.bin`)).toString(), 'second');
});

test('uploads a big object in parts and streams it back to a file intact', async () => {
  const bytes = randomBytes(13 * MiB);
  let progressBytes = 0;
  await store.putObject(`${prefix}big.bin`, bytes, {
    onProgress: (sent) => (progressBytes = sent),
  });
  assert.ok(progressBytes > 0, 'a multipart upload reports progress');

  const path = join(scratch, 'big.bin');
  const got = await store.getToFile(`${prefix}big.bin`, path);
  assert.equal(got.sha256, sha256(bytes));
  assert.ok(readFileSync(path).equals(bytes));
});

test('lists, heads and deletes objects under a prefix', async () => {
  const dir = `${prefix}dir/`;
  await store.putObject(`${dir}x/1`, Buffer.from('1'));
  await store.putObject(`${dir}y/2`, Buffer.from('22'));
  assert.deepEqual(await store.listPrefixes(dir), [`${dir}x/`, `${dir}y/`]);
  assert.deepEqual(
    (await store.list(dir)).map(({ key, sizeBytes }) => [key, sizeBytes]),
    [
      [`${dir}x/1`, 1],
      [`${dir}y/2`, 2],
    ],
  );
  assert.equal(await store.exists(`${dir}x/1`), true);

  assert.equal(await store.deletePrefix(dir), 2);
  assert.equal(await store.head(`${dir}x/1`), undefined);
  await assert.rejects(store.getObject(`${dir}x/1`), ObjectMissing);
});

test('detects an object whose bytes no longer match its recorded sha256', async () => {
  const key = `${prefix}corrupt.bin`;
  const put = await store.putObject(key, Buffer.from('the real content'));
  await store.client.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: Buffer.from('the fake content'),
      Metadata: { sha256: put.sha256 as string },
    }),
  );

  await assert.rejects(store.getObject(key), (err: unknown) => {
    assert.ok(err instanceof ObjectCorrupt);
    assert.match(err.message, new RegExp(key));
    return true;
  });
  await assert.rejects(store.getToFile(key, join(scratch, 'corrupt.bin')), ObjectCorrupt);
});

test('refuses wrong credentials with a clear error that does not contain the secret', async () => {
  const secret = 'not-the-right-secret-5f2c';
  const wrongSecret = new ObjectStore({
    bucket: store.bucket,
    client: createS3Client({
      credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: secret,
      },
    }),
  });
  const unknownKey = new ObjectStore({
    bucket: store.bucket,
    client: createS3Client({ credentials: { accessKeyId: 'nobody', secretAccessKey: secret } }),
  });

  for (const bad of [wrongSecret, unknownKey]) {
    await assert.rejects(bad.getObject(`${prefix}a.bin`), (err: unknown) => {
      assert.ok(err instanceof AccessDenied, String(err));
      assert.match(err.message, /AWS_SECRET_ACCESS_KEY/);
      assert.ok(!formatError(err).includes(secret));
      assert.ok(!JSON.stringify(err).includes(secret));
      return true;
    });
  }
});

test('names a missing bucket and how to create it', async () => {
  const missing = new ObjectStore({ bucket: `swnas-missing-${runTag()}` });
  for (const op of [() => missing.getObject('k'), () => missing.list('')]) {
    await assert.rejects(op(), (err: unknown) => {
      assert.ok(err instanceof BucketMissing, String(err));
      assert.match(err.message, /does not exist: run `swnas stack up`/);
      return true;
    });
  }
});

test('completes an upload intact when S3 dies mid-upload and comes back', async () => {
  // A SeaweedFS of this test's own: killing the shared one would break other tests.
  const dir = mkdtempSync(join(tmpdir(), 'swnas-weed-fault-'));
  const weed = await privateWeed(dir);
  const client = createS3Client({
    endpoint: weed.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: weed.accessKeyId, secretAccessKey: weed.secretAccessKey },
  });
  try {
    await weed.waitReady(client);
    const faulty = new ObjectStore({
      bucket: 'fault',
      client,
      multipartThresholdBytes: 5 * MiB,
      partSizeBytes: 5 * MiB,
      retry: { attempts: 14, baseDelayMs: 500, maxDelayMs: 5_000 },
      logger: { info: () => undefined, warn: () => retries++ },
    });
    await faulty.ensureBucket();

    const bytes = randomBytes(60 * MiB);
    let killed = false;
    let retries = 0;
    const upload = faulty.putObject('big.bin', bytes, {
      onProgress: (sentBytes) => {
        if (killed || sentBytes < 5 * MiB) return;
        killed = true;
        weed.kill();
        setTimeout(() => weed.start(), 1_000);
      },
    });
    await upload;

    assert.ok(killed, 'the server was killed during the upload');
    assert.ok(retries > 0, 'the store retried the failed upload');
    const back = await faulty.getObject('big.bin');
    assert.equal(sha256(back), sha256(bytes));
  } finally {
    weed.kill();
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
