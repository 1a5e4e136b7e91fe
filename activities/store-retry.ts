// Bounded retries of whole store operations on transient failures (connection refused or reset,
// 5xx, time-outs), on top of the SDK's own attempts per request. Final errors pass at once.
import { endpointFromEnv, translateS3Error } from './s3-client';
import { isTransient, StoreUnavailable } from './store-errors';
import { Logger } from './store-log';

/** How hard to retry one operation. */
export interface RetryOptions {
  /** Attempts per operation in total; default 5. */
  attempts: number;
  /** First back-off delay, doubled each attempt, with jitter; default 250 ms. */
  baseDelayMs: number;
  /** Longest single back-off delay; default 8000 ms. */
  maxDelayMs: number;
}

/** 5 attempts, 250 ms doubling up to 8 s: about 4 s of waiting at most. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn`, retrying transient failures; S3 errors come out as the store's named errors. */
export async function withRetry<T>(
  context: { op: string; bucket: string; key: string },
  retry: RetryOptions,
  log: Logger,
  fn: () => Promise<T>,
): Promise<T> {
  const { op, bucket, key } = context;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const named = translateS3Error(err, bucket, key || undefined);
      if (named !== err || !isTransient(err)) throw named;
      if (attempt >= retry.attempts) {
        throw new StoreUnavailable(
          `S3 ${op} of ${bucket}/${key} failed ${attempt} times: ` +
            `is the S3 endpoint ${endpointFromEnv() ?? '(AWS default)'} up?`,
          { cause: err },
        );
      }

      const capMs = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(capMs * (0.5 + Math.random() / 2));
      const error = (err as Error).message;
      log.warn('S3 operation failed; retrying', { op, bucket, key, attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
