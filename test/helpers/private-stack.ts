// A stack of the test's own, on free ports in a temporary folder, for tests that stop and
// restart services without disturbing the stack the rest of the suite shares.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackDown, stackUp } from '../../infra/stack';
import { resolveConfig, StackConfig } from '../../infra/stack-config';

export interface PrivateStack {
  config: StackConfig;
  up(): Promise<void>;
  down(): Promise<string[]>;
  /** Stops everything and deletes the folder. */
  destroy(): Promise<void>;
}

export async function createPrivateStack(): Promise<PrivateStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'swnas-private-'));
  const config = await resolveConfig({ dataDir, freePorts: true });
  return {
    config,
    up: () => stackUp(config),
    down: () => stackDown(config),
    destroy: async () => {
      await stackDown(config);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
