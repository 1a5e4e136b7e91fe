// `swnas worker --queue train|control|all`: runs workers in this process until SIGINT/SIGTERM.
import { UsageError } from '../errors';
import { parseFlags } from '../search-args';

const HELP = `usage: swnas worker [--queue train|control|all]

Runs the training worker (swnas-train: one training at a time), the control worker
(swnas-control: search workflows and light activities), or both (default: all).
Connects through TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY or a temporal.toml
profile. SWNAS_METRICS_ADDRESS=host:port serves Prometheus metrics; SWNAS_LOG_LEVEL sets logs.`;

const QUEUES = ['train', 'control', 'all'] as const;

/** Entry point of `swnas worker`. */
export async function run(args: string[]): Promise<number> {
  const options = {
    queue: { type: 'string', default: 'all' },
    help: { type: 'boolean', short: 'h', default: false },
  } as const;
  const { values } = parseFlags({ args, options }, HELP);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const queue = values.queue as (typeof QUEUES)[number];
  if (!QUEUES.includes(queue))
    throw new UsageError(`--queue must be train, control or all\n\n${HELP}`);

  // Loaded lazily: the training worker pulls in TensorFlow, the control worker does not.
  const workers: Promise<void>[] = [];
  if (queue !== 'train') {
    const { runControlWorker } = await import('../../workers/control-worker.js');
    workers.push(runControlWorker());
  }
  if (queue !== 'control') {
    const { runTrainWorker } = await import('../../workers/train-worker.js');
    workers.push(runTrainWorker());
  }
  await Promise.all(workers);
  return 0;
}
