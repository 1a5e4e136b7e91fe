import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { stackEnv } from '../../infra/stack-config';
import { runCli } from '../helpers/cli';
import { requireStackEnv } from '../helpers/env';
import { createPrivateStack, PrivateStack } from '../helpers/private-stack';
import { markAndEcho, stateKey } from './fixtures/workflows';

const WORKFLOWS_PATH = require.resolve('./fixtures/workflows');

function s3For(endpoint: string, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    // Third-party S3 servers reject the SDK's default CRC32 trailers on some paths.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function runEcho(address: string, namespace: string, state: string) {
  const taskQueue = `stack-test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
  });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace });
  try {
    const workflowId = `echo-${randomUUID()}`;
    const result = await worker.runUntil(
      client.workflow.execute(markAndEcho, {
        taskQueue,
        workflowId,
        args: [{ greeting: 'hello', state }],
      }),
    );
    return { workflowId, result };
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}

describe('the shared stack', () => {
  const env = requireStackEnv();

  test('a client starts a workflow that a worker completes', async () => {
    const { result } = await runEcho(env.temporalAddress, env.namespace, 'echoed');
    assert.equal(result, 'hello, from a workflow');
  });

  test('a search attribute set by a workflow is visible through the list query', async () => {
    const state = `probe-${randomBytes(4).toString('hex')}`;
    const { workflowId } = await runEcho(env.temporalAddress, env.namespace, state);
    const connection = await Connection.connect({ address: env.temporalAddress });
    const client = new Client({ connection, namespace: env.namespace });
    try {
      // Visibility is eventually consistent: poll for a bounded time.
      let found: string[] = [];
      for (let i = 0; i < 50 && found.length === 0; i++) {
        found = [];
        for await (const wf of client.workflow.list({ query: `SwnasState = '${state}'` })) {
          found.push(wf.workflowId);
          assert.equal(wf.typedSearchAttributes.get(stateKey), state);
        }
        if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual(found, [workflowId]);
    } finally {
      await connection.close();
    }
  });

  test('an object round-trips through SeaweedFS byte for byte', async () => {
    const s3 = s3For(env.s3Endpoint, env.accessKeyId, env.secretAccessKey);
    const key = `test/stack/${randomUUID()}.bin`;
    const body = randomBytes(3 * 1024 * 1024 + 17);
    await s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: body }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    assert.equal(head.ContentLength, body.length);
    const got = await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    assert.ok(bytes.equals(body), 'downloaded bytes differ from the uploaded ones');
    s3.destroy();
  });

  test('S3 refuses wrong credentials instead of allowing anonymous access', async () => {
    const s3 = s3For(env.s3Endpoint, env.accessKeyId, 'not-the-secret');
    const key = `test/stack/${randomUUID()}.bin`;
    await assert.rejects(
      s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: 'x' })),
      (err: Error) => /SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId/.test(err.name),
    );
    s3.destroy();
  });
});

describe('a private stack', () => {
  let stack: PrivateStack;

  before(async () => {
    stack = await createPrivateStack();
    await stack.up();
  });
  after(() => stack.destroy());

  test('keeps workflow histories and objects across down and up', async () => {
    const env = stackEnv(stack.config);
    const { workflowId } = await runEcho(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE, 'kept');
    const key = `test/restart/${randomUUID()}.bin`;
    const body = randomBytes(100_000);
    const s3 = s3For(env.AWS_ENDPOINT_URL_S3, env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY);
    await s3.send(new PutObjectCommand({ Bucket: env.SWNAS_BUCKET, Key: key, Body: body }));
    s3.destroy();

    assert.deepEqual((await stack.down()).sort(), ['seaweedfs', 'temporal']);
    await stack.up();

    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await connection.close();
    const completed = history.events?.some((e) => e.workflowExecutionCompletedEventAttributes);
    assert.ok(completed, 'the completed workflow is missing from the restarted server');

    const s3Again = s3For(
      env.AWS_ENDPOINT_URL_S3,
      env.AWS_ACCESS_KEY_ID,
      env.AWS_SECRET_ACCESS_KEY,
    );
    const got = await s3Again.send(new GetObjectCommand({ Bucket: env.SWNAS_BUCKET, Key: key }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
    s3Again.destroy();
  });

  test('up on a running stack is harmless and status reports both services', async () => {
    const dataDirEnv = { SWNAS_DATA_DIR: stack.config.dataDir };
    const up = await runCli(['stack', 'up'], dataDirEnv);
    assert.equal(up.code, 0, up.stderr);
    const status = await runCli(['stack', 'status'], dataDirEnv);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /temporal\s+healthy/);
    assert.match(status.stdout, /seaweedfs\s+healthy/);
    const env = await runCli(['stack', 'env'], dataDirEnv);
    assert.match(
      env.stdout,
      new RegExp(`export AWS_ENDPOINT_URL_S3='http://127.0.0.1:${stack.config.ports.s3}'`),
    );
  });
});

describe('stack start-up failures', () => {
  test('a port already taken ends with a message naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const stack = await createPrivateStack();
    try {
      const result = await runCli(
        ['stack', 'up', '--free-ports', '--temporal-port', String(port)],
        {
          SWNAS_DATA_DIR: stack.config.dataDir,
        },
      );
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`port ${port} \\(Temporal gRPC\\).*already in use`));
      const status = await runCli(['stack', 'status'], { SWNAS_DATA_DIR: stack.config.dataDir });
      assert.match(status.stdout, /temporal\s+stopped/);
      assert.match(status.stdout, /seaweedfs\s+stopped/);
    } finally {
      blocker.close();
      await stack.destroy();
    }
  });
});
