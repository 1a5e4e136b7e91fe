// Where the local stack lives and which ports it uses. The chosen settings are saved in
// the data folder, so `status`, `env` and `down` find the stack that `up` started.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DEFAULT_BUCKET, DEFAULT_NAMESPACE } from '../workflows/constants';

/** Root of the project checkout; this file runs compiled from dist/infra/. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface StackPorts {
  /** Temporal frontend gRPC; default 7233. */
  temporal: number;
  /** Temporal Web UI; default 8233. */
  ui: number;
  /** SeaweedFS S3 gateway; default 8333. */
  s3: number;
  /** SeaweedFS internals (master, volume, filer and their gRPC ports). */
  weedMaster: number;
  weedMasterGrpc: number;
  weedVolume: number;
  weedVolumeGrpc: number;
  weedFiler: number;
  weedFilerGrpc: number;
  s3Grpc: number;
}

export interface StackConfig {
  dataDir: string;
  host: string;
  ports: StackPorts;
  namespace: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export const DEFAULT_PORTS: StackPorts = {
  temporal: 7233,
  ui: 8233,
  s3: 8333,
  weedMaster: 9333,
  weedMasterGrpc: 19333,
  weedVolume: 8080,
  weedVolumeGrpc: 18080,
  weedFiler: 8888,
  weedFilerGrpc: 18888,
  s3Grpc: 18333,
};

const PORT_ENV: Partial<Record<keyof StackPorts, string>> = {
  temporal: 'SWNAS_TEMPORAL_PORT',
  ui: 'SWNAS_UI_PORT',
  s3: 'SWNAS_S3_PORT',
};

export interface StackOptions {
  /** Data folder; default SWNAS_DATA_DIR or <project>/.data. */
  dataDir?: string;
  /** Port overrides from flags. */
  ports?: Partial<StackPorts>;
  /** Pick unused loopback ports for every service (for tests running beside a stack). */
  freePorts?: boolean;
}

export function resolveDataDir(dataDir?: string): string {
  return resolve(dataDir ?? process.env.SWNAS_DATA_DIR ?? join(PROJECT_ROOT, '.data'));
}

function stateFile(dataDir: string): string {
  return join(dataDir, 'stack.json');
}

/** The saved settings of the stack in this data folder, or undefined before the first `up`. */
export function readSavedConfig(dataDir: string): StackConfig | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StackConfig;
}

export function saveConfig(config: StackConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(stateFile(config.dataDir), JSON.stringify(config, null, 2) + '\n', {
    mode: 0o600,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function pickPorts(options: StackOptions, saved?: StackPorts): Promise<StackPorts> {
  const ports: StackPorts = { ...(saved ?? DEFAULT_PORTS) };
  if (options.freePorts && !saved) {
    for (const key of Object.keys(ports) as (keyof StackPorts)[]) ports[key] = await freePort();
  }
  for (const [key, envName] of Object.entries(PORT_ENV)) {
    const value = envName ? process.env[envName] : undefined;
    if (value) ports[key as keyof StackPorts] = parsePort(value, envName!);
  }
  return { ...ports, ...options.ports };
}

export function parsePort(value: string, what: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${what} must be a port number between 1 and 65535, got '${value}'`);
  }
  return port;
}

/** Settings for `up`: saved ones first, then env and flags; new S3 credentials on first use. */
export async function resolveConfig(options: StackOptions): Promise<StackConfig> {
  const dataDir = resolveDataDir(options.dataDir);
  const saved = readSavedConfig(dataDir);
  return {
    dataDir,
    host: '127.0.0.1',
    ports: await pickPorts(options, saved?.ports),
    namespace: saved?.namespace ?? process.env.SWNAS_NAMESPACE ?? DEFAULT_NAMESPACE,
    bucket: saved?.bucket ?? process.env.SWNAS_BUCKET ?? DEFAULT_BUCKET,
    accessKeyId: saved?.accessKeyId ?? `swnas-${randomBytes(6).toString('hex')}`,
    secretAccessKey: saved?.secretAccessKey ?? randomBytes(24).toString('base64url'),
    region: saved?.region ?? 'us-east-1',
  };
}

/** The environment that points clients, workers and tests at this stack. */
export function stackEnv(config: StackConfig): Record<string, string> {
  const { host, ports } = config;
  return {
    TEMPORAL_ADDRESS: `${host}:${ports.temporal}`,
    TEMPORAL_NAMESPACE: config.namespace,
    SWNAS_UI_URL: `http://${host}:${ports.ui}`,
    AWS_ENDPOINT_URL_S3: `http://${host}:${ports.s3}`,
    AWS_ACCESS_KEY_ID: config.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.secretAccessKey,
    AWS_REGION: config.region,
    SWNAS_BUCKET: config.bucket,
  };
}
