// The training worker: polls swnas-train and runs one training, scoring or evaluation at a
// time, because each holds the whole device (CPU cores or one GPU) while it runs.
import { Worker } from '@temporalio/worker';
import { createTrainActivities } from '../activities/index';
import { TRAIN_TASK_QUEUE } from '../workflows/constants';
import { connectWorker, installRuntime } from './runtime';

/** Time a running training gets after a shutdown signal before it is cancelled. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Longest gap between heartbeats sent to the server (the SDK's default is 80% of the heartbeat
 * timeout, 24 s for a 30 s timeout): cancellation and `swnas search watch` learn of progress
 * only through heartbeats, so they would lag by that much.
 */
const HEARTBEAT_THROTTLE_MS = 2_000;

/** Runs the training worker until a shutdown signal; resolves once it has drained. */
export async function runTrainWorker(taskQueue = TRAIN_TASK_QUEUE): Promise<void> {
  // 1. Runtime and connection.
  const runtime = installRuntime();
  const { connection, namespace, address } = await connectWorker();

  try {
    // 2. One activity at a time: a second training would fight the first for the device.
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      activities: createTrainActivities(),
      maxConcurrentActivityTaskExecutions: 1,
      shutdownGraceTime: SHUTDOWN_GRACE_MS,
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
      defaultHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
    });

    // 3. Poll until SIGINT/SIGTERM.
    runtime.logger.info('training worker started', { taskQueue, namespace, address });
    await worker.run();
    runtime.logger.info('training worker stopped', { taskQueue });
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runTrainWorker().catch((err: unknown) => {
    console.error(`swnas train worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
