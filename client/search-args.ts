// parseArgs for the search commands, turning its errors (unknown flags, missing values) into
// UsageError so they exit with code 2 like every other usage mistake.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

/** node:util parseArgs, strict, with usage errors that name the help to read. */
export function parseFlags<T extends ParseArgsConfig>(config: T, help: string) {
  try {
    return parseArgs({ strict: true, ...config });
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    // No cause: the message already carries parseArgs' own words.
    throw new UsageError(`${err.message}\n\n${help}`);
  }
}
