// Worker processes started through the `swnas worker` command, as a deployment runs them.
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { SWNAS_BIN } from './cli';

export interface WorkerProcess {
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string | null>;
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Starts `swnas worker --queue <queue>` with its output in `logFile`. A positive `niceness`
 * starts it under `nice`, the way a host shared by training and the control worker keeps
 * the control worker responsive; `nice` execs node, so the pid stays the worker's.
 */
export function startWorker(
  queue: 'train' | 'control' | 'all',
  logFile: string,
  env: NodeJS.ProcessEnv = {},
  niceness = 0,
): WorkerProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const command = [process.execPath, SWNAS_BIN, 'worker', '--queue', queue];
  if (niceness > 0) command.unshift('nice', '-n', String(niceness));
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return {
    child,
    logFile,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
