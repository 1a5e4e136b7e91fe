// Runs the compiled `swnas` command as a user would, capturing its output.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const SWNAS_BIN = join(__dirname, '..', '..', '..', 'bin', 'swnas.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
  timeoutMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SWNAS_BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
