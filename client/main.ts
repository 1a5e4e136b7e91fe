// The `swnas` command line: dispatches to one module per command, loaded lazily so
// that `swnas stack up` does not pay for TensorFlow's start-up.
import { formatError, UsageError } from './errors';

type CommandModule = { run(args: string[]): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => CommandModule }> = {
  stack: {
    summary: 'local Temporal + S3 stack: up | down | status | env',
    load: () => require('./commands/stack'),
  },
  arch: { summary: 'parameters and MACs of a candidate', load: () => require('./commands/arch') },
  'pls-vip': {
    summary: 'PLS + VIP scores of features read as JSON',
    load: () => require('./commands/pls-vip'),
  },
  dataset: {
    summary: 'import | list | show datasets in S3',
    load: () => require('./commands/dataset'),
  },
  baseline: {
    summary: 'train one uniform ResNet with the search recipe',
    load: () => require('./commands/baseline'),
  },
  worker: {
    summary: 'run a worker: --queue train|control|all',
    load: () => require('./commands/worker'),
  },
  search: {
    summary: 'start | watch | status | result | stop | cancel | list | report',
    load: () => require('./commands/search'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return ['usage: swnas <command> [args]', '', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command '${name}'\n\n${usage()}`);
  return command.load().run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`swnas: ${formatError(err)}`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
