// The command line's connection to Temporal, configured the standard way (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS files and profiles through @temporalio/envconfig).
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DEFAULT_NAMESPACE } from '../workflows/constants';

/** How long to wait for the server before saying it is unreachable; default 5 s. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Default address of the local Temporal Web UI. */
export const DEFAULT_UI_URL = 'http://127.0.0.1:8233';

/** A connected client; `close` releases the connection. */
export interface TemporalClient {
  client: Client;
  namespace: string;
  address: string;
  close(): Promise<void>;
}

/** The Temporal server did not answer; the message says how to start or name one. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

/** Connects within `timeoutMs`, or throws TemporalUnreachableError naming the address. */
export async function connectClient(timeoutMs = CONNECT_TIMEOUT_MS): Promise<TemporalClient> {
  const config = loadClientConnectConfig();
  const { address = 'localhost:7233', tls, apiKey, metadata } = config.connectionOptions;
  const namespace = config.namespace ?? DEFAULT_NAMESPACE;

  let connection: Connection;
  try {
    connection = await Connection.connect({
      address,
      tls,
      apiKey,
      metadata,
      connectTimeout: timeoutMs,
    });
  } catch (err) {
    throw new TemporalUnreachableError(
      `cannot reach Temporal at ${address} within ${timeoutMs / 1000} s: start the local stack ` +
        'with `swnas stack up`, or set TEMPORAL_ADDRESS to a running server',
      { cause: err },
    );
  }
  const client = new Client({ connection, namespace });
  return { client, namespace, address, close: () => connection.close() };
}

/** Runs `body` with a connected client and closes the connection afterwards. */
export async function withClient<T>(body: (temporal: TemporalClient) => Promise<T>): Promise<T> {
  const temporal = await connectClient();
  try {
    return await body(temporal);
  } finally {
    await temporal.close();
  }
}

/** Temporal Web UI page of a workflow; the UI's base from SWNAS_UI_URL (default 127.0.0.1:8233). */
export function workflowUiUrl(namespace: string, workflowId: string): string {
  const base = (process.env.SWNAS_UI_URL ?? DEFAULT_UI_URL).replace(/\/+$/, '');
  return (
    `${base}/namespaces/${encodeURIComponent(namespace)}` +
    `/workflows/${encodeURIComponent(workflowId)}`
  );
}
