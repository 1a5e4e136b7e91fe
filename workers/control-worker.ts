// The control worker: polls swnas-control, runs the search workflows and the light I/O
// activities (resolving datasets, writing reports).
import { Worker } from '@temporalio/worker';
import { createControlActivities } from '../activities/index';
import { CONTROL_TASK_QUEUE } from '../workflows/constants';
import { connectWorker, installRuntime } from './runtime';

/** Runs the control worker until a shutdown signal; resolves once it has drained. */
export async function runControlWorker(taskQueue = CONTROL_TASK_QUEUE): Promise<void> {
  // 1. Runtime and connection.
  const runtime = installRuntime();
  const { connection, namespace, address } = await connectWorker();

  try {
    // 2. Workflows are bundled from their entry module; activities are the light ones.
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      workflowsPath: require.resolve('../workflows/index'),
      activities: createControlActivities(),
    });

    // 3. Poll until SIGINT/SIGTERM.
    runtime.logger.info('control worker started', { taskQueue, namespace, address });
    await worker.run();
    runtime.logger.info('control worker stopped', { taskQueue });
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runControlWorker().catch((err: unknown) => {
    console.error(`swnas control worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
