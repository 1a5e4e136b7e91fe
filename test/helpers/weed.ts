// A SeaweedFS server of the test's own, on its own ports, for tests that kill and restart S3.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** The weed binary: SWNAS_WEED, the project's .tools copies, else `weed` on PATH. */
export function weedBinary(): string {
  if (process.env.SWNAS_WEED) return process.env.SWNAS_WEED;
  const tools = resolve(__dirname, '../../../.tools');
  const local = [join(tools, 'bin/weed'), join(tools, 'py/bin/weed')].find((p) => existsSync(p));
  return local ?? 'weed';
}

/** `count` loopback ports that were free a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((done) =>
          server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)),
        ),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

/** A running private SeaweedFS. */
export interface PrivateWeed {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** SIGKILLs the server (as a crash would). */
  kill(): void;
  /** Starts it again on the same data directory and ports. */
  start(): void;
  /** Resolves once S3 answers with the given client. */
  waitReady(client: S3Client, timeoutMs?: number): Promise<void>;
}

/** Starts SeaweedFS (master, volume, filer, S3 with one identity) under dir on free ports. */
export async function privateWeed(dir: string): Promise<PrivateWeed> {
  const [master, volume, filer, s3Port, masterGrpc, volumeGrpc, filerGrpc, s3Grpc] =
    await freePorts(8);
  const accessKeyId = 'faulttest';
  const secretAccessKey = 'faulttest-secret';
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(
    join(dir, 's3.json'),
    JSON.stringify({
      identities: [
        {
          name: 'test',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
  );
  const args = [
    'server',
    `-dir=${join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    '-filer',
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    '-s3',
    `-s3.port=${s3Port}`,
    `-s3.port.grpc=${s3Grpc}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    `-s3.config=${join(dir, 's3.json')}`,
    '-iam=false',
    '-master.volumeSizeLimitMB=128',
    '-volume.max=8',
    '-master.telemetry=false',
  ];
  let child: ChildProcess | undefined;

  const start = () => {
    const log = openSync(join(dir, 'weed.log'), 'a');
    child = spawn(weedBinary(), args, { stdio: ['ignore', log, log] });
  };
  start();

  return {
    endpoint: `http://127.0.0.1:${s3Port}`,
    accessKeyId,
    secretAccessKey,
    kill: () => {
      child?.kill('SIGKILL');
      child = undefined;
    },
    start,
    waitReady: async (client, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await client.send(new HeadBucketCommand({ Bucket: 'probe' }));
          return;
        } catch (err) {
          const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
          if (status?.httpStatusCode === 404) return;
          if (Date.now() > deadline) {
            throw new Error(`private weed in ${dir} never came up`, { cause: err });
          }
          await new Promise((done) => setTimeout(done, 500));
        }
      }
    },
  };
}
