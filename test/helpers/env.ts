// The stack the test command started, read from the environment it exported.
export interface TestStackEnv {
  temporalAddress: string;
  namespace: string;
  s3Endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
}

/** Fails loudly when the suite runs without a stack, instead of skipping tests. */
export function requireStackEnv(): TestStackEnv {
  const names = [
    'TEMPORAL_ADDRESS',
    'AWS_ENDPOINT_URL_S3',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'SWNAS_BUCKET',
  ];
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need a running stack (missing ${missing.join(', ')}): ` +
        'run them through `npm test`, or `eval "$(npx swnas stack env)"` first',
    );
  }
  const env = process.env as Record<string, string>;
  return {
    temporalAddress: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    s3Endpoint: env.AWS_ENDPOINT_URL_S3,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    region: env.AWS_REGION ?? 'us-east-1',
    bucket: env.SWNAS_BUCKET,
  };
}
