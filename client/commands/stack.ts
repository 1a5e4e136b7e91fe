// `swnas stack up | down | status | env`: the local Temporal + S3 stack.
import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { hasStack, stackDown, stackStatus, stackUp } from '../../infra/stack';
import {
  parsePort,
  readSavedConfig,
  resolveConfig,
  resolveDataDir,
  StackConfig,
  StackPorts,
  stackEnv,
} from '../../infra/stack-config';

const USAGE = `usage: swnas stack up|down|status|env [--data-dir DIR]
  up flags: --temporal-port N (7233) --ui-port N (8233) --s3-port N (8333) --free-ports`;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function savedOrFail(dataDir: string): Promise<StackConfig> {
  const config = readSavedConfig(dataDir);
  if (!config) {
    throw new UsageError(`no stack in ${dataDir}: start one with \`npx swnas stack up\``);
  }
  return config;
}

function printEndpoints(config: StackConfig): void {
  const env = stackEnv(config);
  console.log(`Temporal   ${env.TEMPORAL_ADDRESS} (namespace ${env.TEMPORAL_NAMESPACE})`);
  console.log(`Web UI     ${env.SWNAS_UI_URL}`);
  console.log(`S3         ${env.AWS_ENDPOINT_URL_S3} (bucket ${env.SWNAS_BUCKET})`);
  console.log(`data       ${config.dataDir}`);
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'temporal-port': { type: 'string' },
      'ui-port': { type: 'string' },
      's3-port': { type: 'string' },
      'free-ports': { type: 'boolean' },
    },
  });
  const dataDir = resolveDataDir(values['data-dir']);
  const action = positionals[0];

  switch (action) {
    case 'up': {
      const ports: Partial<StackPorts> = {};
      if (values['temporal-port'])
        ports.temporal = parsePort(values['temporal-port'], '--temporal-port');
      if (values['ui-port']) ports.ui = parsePort(values['ui-port'], '--ui-port');
      if (values['s3-port']) ports.s3 = parsePort(values['s3-port'], '--s3-port');
      const config = await resolveConfig({ dataDir, ports, freePorts: values['free-ports'] });
      await stackUp(config);
      printEndpoints(config);
      return 0;
    }
    case 'down': {
      const config = readSavedConfig(dataDir);
      const stopped = config && hasStack(config) ? await stackDown(config) : [];
      console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status': {
      const config = await savedOrFail(dataDir);
      const statuses = await stackStatus(config);
      for (const s of statuses) {
        const state = s.healthy ? 'healthy' : s.pid ? 'unhealthy' : 'stopped';
        console.log(`${s.name.padEnd(10)} ${state.padEnd(9)} ${s.pid ?? '-'}\t${s.detail}`);
      }
      return statuses.every((s) => s.healthy) ? 0 : 1;
    }
    case 'env': {
      const config = await savedOrFail(dataDir);
      for (const [name, value] of Object.entries(stackEnv(config))) {
        console.log(`export ${name}=${shellQuote(value)}`);
      }
      return 0;
    }
    default:
      throw new UsageError(action ? `unknown stack action '${action}'\n${USAGE}` : USAGE);
  }
}
