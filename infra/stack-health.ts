// Health checks of the stack's services, through the same clients the project uses.
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import { StackConfig } from './stack-config';

const CHECK_TIMEOUT_MS = 3_000;

/** Answers when the frontend serves requests and the stack's namespace exists. */
export async function checkTemporal(config: StackConfig): Promise<void> {
  const connection = await Connection.connect({
    address: `${config.host}:${config.ports.temporal}`,
    connectTimeout: CHECK_TIMEOUT_MS,
  });
  try {
    await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      connection.workflowService.describeNamespace({ namespace: config.namespace }),
    );
  } finally {
    await connection.close();
  }
}

function s3Client(config: StackConfig): S3Client {
  return new S3Client({
    endpoint: `http://${config.host}:${config.ports.s3}`,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** Answers when the S3 gateway accepts the stack's credentials and the bucket exists. */
export async function checkS3(config: StackConfig): Promise<void> {
  const client = s3Client(config);
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }), {
      abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } finally {
    client.destroy();
  }
}

/**
 * Creates the stack's bucket when missing, then writes and reads back a small object: after
 * a restart the gateway answers for buckets before its volumes can serve data.
 */
export async function ensureBucket(config: StackConfig): Promise<void> {
  const client = s3Client(config);
  const options = { abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS) };
  try {
    try {
      await client.send(new HeadBucketCommand({ Bucket: config.bucket }), options);
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) {
        throw err;
      }
      await client.send(new CreateBucketCommand({ Bucket: config.bucket }), options);
    }
    const probe = { Bucket: config.bucket, Key: '.swnas/health' };
    const body = `stack up at ${new Date().toISOString()}`;
    await client.send(new PutObjectCommand({ ...probe, Body: body }), options);
    const read = await client.send(new GetObjectCommand(probe), options);
    if ((await read.Body?.transformToString()) !== body) {
      throw new Error('the S3 health object read back differs from what was written');
    }
  } finally {
    client.destroy();
  }
}
