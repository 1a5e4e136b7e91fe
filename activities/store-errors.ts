// Named errors of the S3 store and the dataset modules, and how each one is classified:
// transient (retry the whole operation) or final (bad setup or bad data: retrying cannot help).
import { ApplicationFailure } from '@temporalio/activity';

/** The bucket does not exist; the stack was not brought up or SWNAS_BUCKET is wrong. */
export class BucketMissing extends Error {
  override name = 'BucketMissing';
  constructor(bucket: string, options?: ErrorOptions) {
    super(`bucket ${bucket} does not exist: run \`swnas stack up\` or create it`, options);
  }
}

/** The credentials were refused (unknown key id, wrong secret, or no permission). */
export class AccessDenied extends Error {
  override name = 'AccessDenied';
}

/** An object's bytes do not match the sha256 recorded for it. */
export class ObjectCorrupt extends Error {
  override name = 'ObjectCorrupt';
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`object ${key} is corrupt: ${detail}`);
  }
}

/** The object does not exist. */
export class ObjectMissing extends Error {
  override name = 'ObjectMissing';
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`object ${key} does not exist`, options);
  }
}

/** The store stayed unreachable or failing after every retry. */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}

/** Names of the errors that no retry can fix; activities fail non-retryably on them. */
export const NON_RETRYABLE_ERROR_NAMES = [
  'BucketMissing',
  'AccessDenied',
  'ObjectCorrupt',
  'DatasetCorrupt',
  'DatasetFormatError',
  'DatasetNotFound',
  'InvalidDatasetName',
] as const;

/** Turns a final store or dataset error into a non-retryable Temporal failure; others pass. */
export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (!(NON_RETRYABLE_ERROR_NAMES as readonly string[]).includes(err.name)) return err;
  return ApplicationFailure.create({
    message: err.message,
    type: err.name,
    nonRetryable: true,
    cause: err,
  });
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'ThrottlingException',
]);

/** Whether an error from the SDK or the socket is worth retrying the whole operation for. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  if (TRANSIENT_NAMES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (/socket hang up|ECONNRESET|ECONNREFUSED|premature close/i.test(e.message)) {
    return true;
  }
  return e.cause !== undefined && e.cause !== err && isTransient(e.cause);
}
