// The local stack: a Temporal dev server (SQLite file, Web UI) and SeaweedFS with its S3
// gateway, both on loopback, started detached so they outlive the command that started them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SEARCH_ATTRIBUTES } from '../workflows/constants';
import { runningPid, ServiceProcess, startDetached, stopProcess, tailOf } from './processes';
import { checkS3, checkTemporal, ensureBucket } from './stack-health';
import { saveConfig, StackConfig } from './stack-config';
import { toolPath } from './tools';

/** How long `up` waits for a service to become healthy; SWNAS_STACK_TIMEOUT_MS, default 60 s. */
export const HEALTH_TIMEOUT_MS = Number(process.env.SWNAS_STACK_TIMEOUT_MS ?? 60_000);

export class StackError extends Error {
  override name = 'StackError';
}

type ServiceName = 'temporal' | 'seaweedfs';

function service(config: StackConfig, name: ServiceName): ServiceProcess {
  const logs = join(config.dataDir, 'logs');
  return { name, pidFile: join(logs, `${name}.pid`), logFile: join(logs, `${name}.log`) };
}

const BINARY: Record<ServiceName, string> = { temporal: 'temporal', seaweedfs: 'weed' };

function temporalArgs(config: StackConfig): string[] {
  const attributes = Object.values(SEARCH_ATTRIBUTES).flatMap(({ name, type }) => [
    '--search-attribute',
    `${name}=${type}`,
  ]);
  return [
    'server', 'start-dev',
    '--ip', config.host,
    '--port', String(config.ports.temporal),
    '--ui-port', String(config.ports.ui),
    '--db-filename', join(config.dataDir, 'temporal', 'temporal.db'),
    '--namespace', config.namespace,
    '--log-level', 'warn',
    ...attributes,
  ]; // prettier-ignore
}

function seaweedArgs(config: StackConfig): string[] {
  const p = config.ports;
  return [
    'server',
    `-dir=${join(config.dataDir, 'seaweedfs')}`,
    `-ip=${config.host}`, `-ip.bind=${config.host}`,
    `-master.port=${p.weedMaster}`, `-master.port.grpc=${p.weedMasterGrpc}`,
    `-volume.port=${p.weedVolume}`, `-volume.port.grpc=${p.weedVolumeGrpc}`,
    '-master.volumeSizeLimitMB=256', '-volume.max=64', '-master.electionTimeout=2s',
    '-filer', `-filer.port=${p.weedFiler}`, `-filer.port.grpc=${p.weedFilerGrpc}`,
    '-s3', `-s3.port=${p.s3}`, `-s3.port.grpc=${p.s3Grpc}`,
    '-s3.port.iceberg=0', '-s3.port.lance=0', '-s3.autoCreateBucket=false',
    `-s3.config=${join(config.dataDir, 'seaweedfs-s3.json')}`,
  ]; // prettier-ignore
}

/** SeaweedFS identities: one user with the stack's credentials; anonymous access is denied. */
function writeS3Identities(config: StackConfig): void {
  const identities = {
    identities: [
      {
        name: 'swnas',
        credentials: [{ accessKey: config.accessKeyId, secretKey: config.secretAccessKey }],
        actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
      },
    ],
  };
  writeFileSync(join(config.dataDir, 'seaweedfs-s3.json'), JSON.stringify(identities, null, 2), {
    mode: 0o600,
  });
}

async function assertPortFree(port: number, host: string, what: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new StackError(
      `port ${port} (${what}) on ${host} is already in use by another program: ` +
        'choose other ports with the stack flags or SWNAS_*_PORT',
    );
  }
}

async function waitHealthy(
  config: StackConfig,
  name: ServiceName,
  check: () => Promise<void>,
): Promise<void> {
  const svc = service(config, name);
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (runningPid(svc, BINARY[name]) === undefined) {
      throw new StackError(
        `${name} exited during start-up; see ${svc.logFile}:\n${tailOf(svc.logFile)}`,
      );
    }
    try {
      return await check();
    } catch (err) {
      lastError = err;
      await sleep(250);
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new StackError(
    `${name} did not become healthy within ${HEALTH_TIMEOUT_MS / 1000} s (${reason}); ` +
      `see ${svc.logFile}`,
  );
}

async function startService(config: StackConfig, name: ServiceName, ports: [number, string][]) {
  const svc = service(config, name);
  if (runningPid(svc, BINARY[name]) !== undefined) return false;
  for (const [port, what] of ports) await assertPortFree(port, config.host, what);
  const args = name === 'temporal' ? temporalArgs(config) : seaweedArgs(config);
  startDetached(svc, toolPath(BINARY[name]), args);
  return true;
}

/** Starts whatever is not running yet and waits until both services answer. */
export async function stackUp(config: StackConfig): Promise<void> {
  for (const dir of ['logs', 'temporal', 'seaweedfs']) {
    mkdirSync(join(config.dataDir, dir), { recursive: true });
  }
  saveConfig(config);
  writeS3Identities(config);
  const p = config.ports;

  await startService(config, 'temporal', [
    [p.temporal, 'Temporal gRPC'],
    [p.ui, 'Temporal UI'],
  ]);
  await startService(config, 'seaweedfs', [
    [p.s3, 'S3'], [p.s3Grpc, 'S3 gRPC'],
    [p.weedMaster, 'SeaweedFS master'], [p.weedMasterGrpc, 'SeaweedFS master gRPC'],
    [p.weedVolume, 'SeaweedFS volume'], [p.weedVolumeGrpc, 'SeaweedFS volume gRPC'],
    [p.weedFiler, 'SeaweedFS filer'], [p.weedFilerGrpc, 'SeaweedFS filer gRPC'],
  ]); // prettier-ignore

  try {
    await waitHealthy(config, 'temporal', () => checkTemporal(config));
    await waitHealthy(config, 'seaweedfs', () => ensureBucket(config));
  } catch (err) {
    // A failed start leaves nothing running behind it.
    await stackDown(config);
    throw err;
  }
}

/** Stops the processes this data folder's `up` started; returns the names it stopped. */
export async function stackDown(config: StackConfig): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of ['seaweedfs', 'temporal'] as ServiceName[]) {
    if (await stopProcess(service(config, name), BINARY[name])) stopped.push(name);
  }
  return stopped;
}

export interface ServiceStatus {
  name: ServiceName;
  pid?: number;
  healthy: boolean;
  detail: string;
  logFile: string;
}

export async function stackStatus(config: StackConfig): Promise<ServiceStatus[]> {
  const checks: Record<ServiceName, () => Promise<void>> = {
    temporal: () => checkTemporal(config),
    seaweedfs: () => checkS3(config),
  };
  const where: Record<ServiceName, string> = {
    temporal:
      `${config.host}:${config.ports.temporal}, ` + `UI http://${config.host}:${config.ports.ui}`,
    seaweedfs: `S3 http://${config.host}:${config.ports.s3}, bucket ${config.bucket}`,
  };
  const result: ServiceStatus[] = [];
  for (const name of ['temporal', 'seaweedfs'] as ServiceName[]) {
    const svc = service(config, name);
    const pid = runningPid(svc, BINARY[name]);
    let healthy = false;
    let detail = pid === undefined ? 'not running' : where[name];
    if (pid !== undefined) {
      try {
        await checks[name]();
        healthy = true;
      } catch (err) {
        detail = `${where[name]} (not answering: ${(err as Error).message})`;
      }
    }
    result.push({ name, pid, healthy, detail, logFile: svc.logFile });
  }
  return result;
}

export function hasStack(config: StackConfig): boolean {
  return existsSync(join(config.dataDir, 'stack.json'));
}
