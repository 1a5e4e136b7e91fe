// The S3 stack the integration tests run against, read from the standard environment.
import { randomUUID } from 'node:crypto';

import { ObjectStore, StoreOptions } from '../../activities/s3-store';

const REQUIRED = [
  'AWS_ENDPOINT_URL_S3',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'SWNAS_BUCKET',
];

/** Throws, naming what is missing, unless the S3 environment of the stack is set. */
export function requireS3Env(): void {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need ${missing.join(', ')}: run \`swnas stack up\` and ` +
        '`eval "$(swnas stack env)"`, or export them for your S3 endpoint',
    );
  }
}

/** A store on the test bucket (created if missing). */
export async function testStore(options: Partial<StoreOptions> = {}): Promise<ObjectStore> {
  requireS3Env();
  const store = new ObjectStore({ bucket: process.env.SWNAS_BUCKET as string, ...options });
  await store.ensureBucket();
  return store;
}

/** A short random tag, so that concurrent and repeated runs never share keys. */
export const runTag = () => randomUUID().slice(0, 8);
