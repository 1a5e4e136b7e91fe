// A real Temporal server (from TEMPORAL_ADDRESS) with in-process workers on task queues of
// their own, so these tests never meet the workers of a running deployment.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  NativeConnection,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { FakeLab } from './search-fakes';

/** Workers and a client around one FakeLab; `close` shuts everything down. */
export interface SearchTestEnv {
  client: Client;
  controlQueue: string;
  trainQueue: string;
  close(): Promise<void>;
}

/** Address and namespace of the stack, or an error that says how to provide one. */
export function temporalTarget(): { address: string; namespace: string } {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set: start the stack (`swnas stack up`) and export its ' +
        'environment (`eval "$(swnas stack env)"`), or point it at a Temporal server',
    );
  }
  return { address, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' };
}

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow bundle of workflows/index.ts, built once per process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../../workflows/index.js'),
    logger: quietLogger(),
  });
  return bundle;
}

/** Connects, then runs a control and a train worker backed by the lab's fake activities. */
export async function startSearchEnv(lab: FakeLab): Promise<SearchTestEnv> {
  installQuietRuntime();
  const { address, namespace } = temporalTarget();
  const suffix = randomUUID().slice(0, 8);
  const controlQueue = `test-swnas-control-${suffix}`;
  const trainQueue = `test-swnas-train-${suffix}`;

  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace });

  const control = await Worker.create({
    connection,
    namespace,
    taskQueue: controlQueue,
    workflowBundle: await workflowBundle(),
    activities: lab.controlActivities(),
  });
  const train = await Worker.create({
    connection,
    namespace,
    taskQueue: trainQueue,
    activities: lab.trainActivities(),
  });
  const running = Promise.all([control.run(), train.run()]);

  return {
    client,
    controlQueue,
    trainQueue,
    async close() {
      control.shutdown();
      train.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
    },
  };
}

let runtimeInstalled = false;

/** Worker logs at WARN and above, so test output stays readable. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

function quietLogger() {
  const ignore = () => undefined;
  return {
    log: ignore,
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: console.warn,
    error: console.error,
  };
}
