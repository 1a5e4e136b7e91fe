// What every worker process shares: one Temporal Runtime (logger, optional Prometheus metrics,
// shutdown on SIGINT/SIGTERM) and a connection configured the standard way (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS files, profiles in temporal.toml via envconfig).
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { DEFAULT_NAMESPACE } from '../workflows/constants';

/** A worker's connection and the namespace it polls. */
export interface WorkerConnection {
  connection: NativeConnection;
  namespace: string;
  address: string;
}

let installed: Runtime | undefined;

/**
 * Installs the process-wide Runtime once: log level from SWNAS_LOG_LEVEL (default INFO),
 * Prometheus metrics on SWNAS_METRICS_ADDRESS (e.g. 127.0.0.1:9464; default off). The
 * Runtime's default shutdown signals (SIGINT, SIGTERM, ...) shut every worker down gracefully.
 */
export function installRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  if (installed) return installed;
  const level = (env.SWNAS_LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
  const bindAddress = env.SWNAS_METRICS_ADDRESS;
  installed = Runtime.install({
    logger: new DefaultLogger(level),
    ...(bindAddress && { telemetryOptions: { metrics: { prometheus: { bindAddress } } } }),
  });
  return installed;
}

/** Connects to the Temporal server named by the environment or the active envconfig profile. */
export async function connectWorker(): Promise<WorkerConnection> {
  const config = loadClientConnectConfig();
  const address = config.connectionOptions.address ?? 'localhost:7233';
  const namespace = config.namespace ?? DEFAULT_NAMESPACE;
  try {
    const connection = await NativeConnection.connect(config.connectionOptions);
    return { connection, namespace, address };
  } catch (err) {
    throw new WorkerConnectError(
      `cannot reach Temporal at ${address}: start the stack with \`swnas stack up\` ` +
        'or set TEMPORAL_ADDRESS to a running server',
      { cause: err },
    );
  }
}

/** The Temporal server could not be reached when the worker started. */
export class WorkerConnectError extends Error {
  override name = 'WorkerConnectError';
}
