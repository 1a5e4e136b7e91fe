// Background service processes owned by the stack: started detached with a log file and a
// pid file, and stopped only when the pid still belongs to the process we started.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServiceProcess {
  /** Short name used in messages and file names, e.g. `temporal`. */
  name: string;
  pidFile: string;
  logFile: string;
}

/** The pid in the pid file when that process is alive and still runs `binary`. */
export function runningPid(service: ServiceProcess, binary: string): number | undefined {
  if (!existsSync(service.pidFile)) return undefined;
  const pid = Number(readFileSync(service.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    // A recycled pid must not be mistaken for our service: compare the command line.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline[0]?.endsWith(binary) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `command` detached from this process, output appended to the service's log. */
export function startDetached(service: ServiceProcess, command: string, args: string[]): number {
  const log = openSync(service.logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`could not start ${service.name} (${command})`);
    child.unref();
    writeFileSync(service.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; removes the pid file. Returns whether it ran. */
export async function stopProcess(
  service: ServiceProcess,
  binary: string,
  graceMs = 15_000,
): Promise<boolean> {
  const pid = runningPid(service, binary);
  if (pid === undefined) {
    rmSync(service.pidFile, { force: true });
    return false;
  }
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  rmSync(service.pidFile, { force: true });
  return true;
}

/** The last lines of a log file, for error messages. */
export function tailOf(file: string, lines = 5): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
