// Throughput of the object store against the AWS CLI on the same endpoint, plus the time to
// import Fashion-MNIST and to load a dataset through the worker cache.
// Run: node dist/bench/s3-throughput.js (reads the stack's AWS_* and SWNAS_BUCKET environment).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadDataset } from '../activities/dataset-cache';
import { importDataset } from '../activities/dataset-import';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR } from '../activities/dataset-sources';
import { endpointFromEnv } from '../activities/s3-client';
import { ObjectStore, storeFromEnv } from '../activities/s3-store';

const MB = 1_000_000;
const SIZES_BYTES = [4 * MB, 200 * MB];

function venvDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'swnas', 'bench-venv-awscli');
}

/** The `aws` executable of a venv this bench owns, installed from PyPI on first use. */
function awsCli(): string {
  const venv = venvDir();
  const aws = join(venv, 'bin', 'aws');
  if (!existsSync(aws)) {
    console.log(`installing awscli into ${venv} ...`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', 'awscli'], { stdio: 'inherit' });
  }
  return aws;
}

function cli(aws: string, args: string[]): void {
  const endpoint = endpointFromEnv();
  execFileSync(aws, [...(endpoint ? ['--endpoint-url', endpoint] : []), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    },
  });
}

async function seconds(step: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await step();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const rate = (sizeBytes: number, s: number) => sizeBytes / MB / s;

async function throughput(store: ObjectStore, aws: string, dir: string, prefix: string) {
  console.log(
    '\nsize      store up   store down  cli up     cli down   store/cli up  store/cli down',
  );
  for (const sizeBytes of SIZES_BYTES) {
    const bytes = randomBytes(sizeBytes);
    const path = join(dir, `blob-${sizeBytes}`);
    writeFileSync(path, bytes);
    const key = `${prefix}blob-${sizeBytes}`;
    const url = `s3://${store.bucket}/${prefix}cli-${sizeBytes}`;

    const storeUp = rate(sizeBytes, await seconds(() => store.putObject(key, bytes)));
    const storeDown = rate(sizeBytes, await seconds(() => store.getObject(key)));
    const cliUp = rate(
      sizeBytes,
      await seconds(() => cli(aws, ['s3', 'cp', '--quiet', path, url])),
    );
    const cliDown = rate(
      sizeBytes,
      await seconds(() => cli(aws, ['s3', 'cp', '--quiet', url, `${path}.down`])),
    );
    rmSync(`${path}.down`, { force: true });

    const cells = [storeUp, storeDown, cliUp, cliDown].map((v) =>
      `${v.toFixed(1)} MB/s`.padEnd(11),
    );
    const ratios = `${(storeUp / cliUp).toFixed(2)}`.padEnd(14) + (storeDown / cliDown).toFixed(2);
    console.log(`${`${sizeBytes / MB} MB`.padEnd(10)}${cells.join('')}${ratios}`);
  }
}

async function datasetTimes(store: ObjectStore, dir: string): Promise<void> {
  if (!existsSync(FASHION_MNIST_DIR)) {
    console.log('\nFashion-MNIST not installed: apt-get install dataset-fashion-mnist');
    return;
  }
  const source = {
    kind: 'idx' as const,
    dir: FASHION_MNIST_DIR,
    classNames: FASHION_MNIST_CLASSES,
  };
  const name = `bench-fashion-mnist-${randomUUID().slice(0, 8)}`;
  let id = '';
  const fresh = await seconds(
    async () => (id = (await importDataset(store, { name, source })).manifest.id),
  );
  const again = await seconds(() => importDataset(store, { name, source }));
  const cacheDir = join(dir, 'cache');
  const cold = await seconds(() => loadDataset(store, id, { cacheDir }));
  const warm = await seconds(() => loadDataset(store, id, { cacheDir }));
  await store.deletePrefix(`datasets/${id}/`);

  console.log('\nFashion-MNIST (60000 + 10000 images, 28x28x1)');
  console.log(`  import (decode, hash, upload):  ${fresh.toFixed(2)} s`);
  console.log(`  import again (already present): ${again.toFixed(2)} s`);
  console.log(`  load, cold cache (download):    ${cold.toFixed(2)} s`);
  console.log(`  load, warm cache (verify only): ${warm.toFixed(2)} s`);
}

async function main(): Promise<void> {
  const store = storeFromEnv();
  await store.ensureBucket();
  const aws = awsCli();
  const dir = mkdtempSync(join(tmpdir(), 'swnas-bench-'));
  const prefix = `bench/s3-throughput-${randomUUID().slice(0, 8)}/`;
  console.log(`endpoint ${endpointFromEnv() ?? '(AWS)'}, bucket ${store.bucket}`);
  try {
    await throughput(store, aws, dir, prefix);
    await datasetTimes(store, dir);
  } finally {
    await store.deletePrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
