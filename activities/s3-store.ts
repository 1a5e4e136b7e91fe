// The object store every activity goes through: S3 with a sha256 on every object (kept as
// x-amz-meta-sha256 and checked on every read), multipart uploads for big objects and bounded
// retries of whole operations on transient failures.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

import { DEFAULT_BUCKET } from '../workflows/constants';
import { createS3Client } from './s3-client';
import { ObjectCorrupt } from './store-errors';
import { defaultLogger, Logger } from './store-log';
import { DEFAULT_RETRY, RetryOptions, withRetry } from './store-retry';

/** How an ObjectStore talks to its bucket. */
export interface StoreOptions {
  bucket: string;
  /** The S3 client; default one from the environment (see createS3Client). */
  client?: S3Client;
  /** Objects at least this big go up as multipart uploads; default 16 MiB. */
  multipartThresholdBytes?: number;
  /** Part size of multipart uploads; default 8 MiB. */
  partSizeBytes?: number;
  /** Retry bounds of whole operations; default DEFAULT_RETRY. */
  retry?: Partial<RetryOptions>;
  /** Where retries are logged; default the activity logger, else stderr. */
  logger?: Logger;
}

/** What a put wrote or a head found. */
export interface ObjectInfo {
  key: string;
  sizeBytes: number;
  /** Hex sha256 of the bytes from the object's metadata; undefined if it has none. */
  sha256?: string;
  lastModified?: Date;
}

/** Options of a single put. */
export interface PutOptions {
  contentType?: string;
  /** Called with the bytes sent so far during multipart uploads. */
  onProgress?: (sentBytes: number) => void;
}

const MiB = 1024 * 1024;

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function sha256OfFile(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

/** A bucket of sha256-verified objects; every method retries transient failures. */
export class ObjectStore {
  readonly bucket: string;
  readonly client: S3Client;
  private readonly thresholdBytes: number;
  private readonly partSizeBytes: number;
  private readonly retry: RetryOptions;
  private readonly log: Logger;

  constructor(options: StoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? createS3Client();
    this.thresholdBytes = options.multipartThresholdBytes ?? 16 * MiB;
    this.partSizeBytes = options.partSizeBytes ?? 8 * MiB;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.log = options.logger ?? defaultLogger;
  }

  /** Writes bytes or a stream under `key` (overwriting), with its sha256 as metadata. */
  async putObject(
    key: string,
    body: Uint8Array | Readable,
    options: PutOptions = {},
  ): Promise<ObjectInfo> {
    if (body instanceof Uint8Array) {
      const sha256 = sha256Hex(body);
      await this.withRetry('put', key, () => this.upload(key, body, body.length, sha256, options));
      return { key, sizeBytes: body.length, sha256 };
    }

    // A stream can be read once only: spool it to disk so that the hash goes into the metadata
    // before the upload starts, and so that every retry can read it again.
    const spoolPath = join(tmpdir(), `swnas-spool-${randomUUID()}`);
    try {
      await pipeline(body, createWriteStream(spoolPath));
      return await this.putFile(key, spoolPath, options);
    } finally {
      await rm(spoolPath, { force: true });
    }
  }

  /** Uploads a local file under `key`, with its sha256 as metadata. */
  async putFile(key: string, path: string, options: PutOptions = {}): Promise<ObjectInfo> {
    const { sha256, sizeBytes } = await sha256OfFile(path);
    await this.withRetry('put', key, () =>
      this.upload(key, createReadStream(path), sizeBytes, sha256, options),
    );
    return { key, sizeBytes, sha256 };
  }

  /** Writes a value as pretty JSON. */
  async putJson(key: string, value: unknown): Promise<ObjectInfo> {
    const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
    return this.putObject(key, bytes, { contentType: 'application/json' });
  }

  private async upload(
    key: string,
    body: Uint8Array | Readable,
    sizeBytes: number,
    sha256: string,
    options: PutOptions,
  ): Promise<void> {
    const params = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: options.contentType ?? 'application/octet-stream',
      Metadata: { sha256 },
    };
    if (sizeBytes < this.thresholdBytes) {
      await this.client.send(new PutObjectCommand({ ...params, ContentLength: sizeBytes }));
      return;
    }
    const upload = new Upload({
      client: this.client,
      params,
      partSize: this.partSizeBytes,
      queueSize: 2,
      leavePartsOnError: false,
    });
    if (options.onProgress) {
      const report = options.onProgress;
      upload.on('httpUploadProgress', (progress) => report(progress.loaded ?? 0));
    }
    await upload.done();
  }

  /** Reads a whole object, verified against its sha256 (ObjectCorrupt if it differs). */
  async getObject(key: string): Promise<Uint8Array> {
    return this.withRetry('get', key, async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const chunks: Buffer[] = [];
      const hash = createHash('sha256');
      for await (const chunk of res.Body as Readable) {
        hash.update(chunk as Buffer);
        chunks.push(chunk as Buffer);
      }
      const bytes = Buffer.concat(chunks);
      this.verify(key, res.Metadata?.sha256, hash.digest('hex'), res.ContentLength, bytes.length);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    });
  }

  /** Reads and parses a JSON object. */
  async getJson<T>(key: string): Promise<T> {
    return JSON.parse(Buffer.from(await this.getObject(key)).toString('utf8')) as T;
  }

  /** Streams an object into a file (written aside, verified, then renamed into place). */
  async getToFile(key: string, path: string): Promise<ObjectInfo> {
    await mkdir(dirname(path), { recursive: true });
    const partialPath = `${path}.partial-${process.pid}`;
    try {
      return await this.withRetry('get', key, async () => {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        const hash = createHash('sha256');
        let sizeBytes = 0;
        await pipeline(
          res.Body as Readable,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              hash.update(chunk);
              sizeBytes += chunk.length;
              yield chunk;
            }
          },
          createWriteStream(partialPath),
        );
        const sha256 = hash.digest('hex');
        this.verify(key, res.Metadata?.sha256, sha256, res.ContentLength, sizeBytes);
        await rename(partialPath, path);
        return { key, sizeBytes, sha256, lastModified: res.LastModified };
      });
    } finally {
      await rm(partialPath, { force: true });
    }
  }

  private verify(
    key: string,
    expectedSha256: string | undefined,
    actualSha256: string,
    expectedSizeBytes: number | undefined,
    actualSizeBytes: number,
  ): void {
    if (expectedSizeBytes !== undefined && expectedSizeBytes !== actualSizeBytes) {
      throw new ObjectCorrupt(key, `read ${actualSizeBytes} of ${expectedSizeBytes} bytes`);
    }
    if (expectedSha256 !== undefined && expectedSha256 !== actualSha256) {
      throw new ObjectCorrupt(
        key,
        `sha256 ${actualSha256} differs from recorded ${expectedSha256}`,
      );
    }
  }

  /** Size, recorded sha256 and date of an object; undefined if it does not exist. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    return this.withRetry('head', key, async () => {
      try {
        const res = await this.client.send(
          new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
        );
        return {
          key,
          sizeBytes: res.ContentLength ?? 0,
          sha256: res.Metadata?.sha256,
          lastModified: res.LastModified,
        };
      } catch (err) {
        if (
          (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
        ) {
          return undefined;
        }
        throw err;
      }
    });
  }

  /** Whether an object exists. */
  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  /** Every object under a prefix (all pages), in key order. */
  async list(prefix: string): Promise<ObjectInfo[]> {
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetry('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        found.push({ key: item.Key, sizeBytes: item.Size ?? 0, lastModified: item.LastModified });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  /** The "folders" directly under a prefix, e.g. `datasets/` -> [`datasets/mnist-0a1b2c3d/`]. */
  async listPrefixes(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetry('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        ),
      );
      for (const item of page.CommonPrefixes ?? []) if (item.Prefix) found.push(item.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  /** Deletes an object; deleting a missing one is not an error. */
  async delete(key: string): Promise<void> {
    await this.withRetry('delete', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /** Deletes every object under a prefix; returns how many. */
  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    for (const object of objects) await this.delete(object.key);
    return objects.length;
  }

  /** Creates the bucket unless it exists. */
  async ensureBucket(): Promise<void> {
    await this.withRetry('ensure-bucket', '', async () => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
        if (status?.httpStatusCode !== 404) throw err;
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      }
    });
  }

  private withRetry<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    return withRetry({ op, bucket: this.bucket, key }, this.retry, this.log, fn);
  }
}

/** The store of this deployment: bucket SWNAS_BUCKET (default `swnas`), client from the env. */
export function storeFromEnv(options: Partial<StoreOptions> = {}): ObjectStore {
  return new ObjectStore({ bucket: process.env.SWNAS_BUCKET || DEFAULT_BUCKET, ...options });
}

export { sha256Hex };
