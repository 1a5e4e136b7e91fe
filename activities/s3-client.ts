// The S3 client as this project configures it, and the translation of S3's error codes into
// the store's named errors.
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

import { AccessDenied, BucketMissing, ObjectMissing } from './store-errors';

/** The custom S3 endpoint from the environment (AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL). */
export function endpointFromEnv(): string | undefined {
  return process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

/**
 * An S3 client on the default credential chain. A custom endpoint (SeaweedFS, MinIO) gets
 * path-style addressing; checksums are only sent or checked where the API requires them,
 * because third-party servers reject the SDK's newer default trailing checksums.
 * `overrides` replace any of these settings (tests point clients at their own servers).
 */
export function createS3Client(overrides: S3ClientConfig = {}): S3Client {
  const endpoint = endpointFromEnv();
  const region =
    process.env.AWS_REGION ||
    process.env.AWS_DEFAULT_REGION ||
    (endpoint ? 'us-east-1' : undefined);
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(region ? { region } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    ...overrides,
  });
}

type SdkError = Error & { Code?: string; $metadata?: { httpStatusCode?: number } };

const CREDENTIAL_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'Forbidden',
]);

/** The store's named error for an S3 failure, or the error itself when none fits. */
export function translateS3Error(err: unknown, bucket: string, key?: string): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as SdkError;
  const code = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;

  if (code === 'NoSuchBucket') return new BucketMissing(bucket);
  if (CREDENTIAL_CODES.has(code) || status === 403) {
    // The SDK error is left out as cause: its request details are no business of a log line.
    return new AccessDenied(
      `S3 refused access to bucket ${bucket} (${code}): check AWS_ACCESS_KEY_ID / ` +
        'AWS_SECRET_ACCESS_KEY and the permissions of that identity',
    );
  }
  if (key !== undefined && (code === 'NoSuchKey' || code === 'NotFound' || status === 404)) {
    return new ObjectMissing(key, { cause: err });
  }
  return err;
}
