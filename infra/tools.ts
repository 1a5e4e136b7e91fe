// Paths of the external programs the stack runs, installed by infra/install-tools.sh.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT } from './stack-config';

export class ToolMissing extends Error {
  override name = 'ToolMissing';
}

/** `.tools/bin/<name>` when installed, else the first `<name>` on PATH. */
export function toolPath(name: string): string {
  const local = join(PROJECT_ROOT, '.tools', 'bin', name);
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new ToolMissing(`'${name}' is not installed: run \`bash infra/install-tools.sh\``);
}
