// Structured logging for the store and dataset modules: the activity's logger when called from
// a Temporal activity, else one JSON line on stderr. Secrets never go into `meta`.
import { Context } from '@temporalio/activity';

/** Fixed message plus a meta object, as Temporal's loggers take them. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

function activityLogger(): Logger | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}

function stderrLine(level: string, message: string, meta?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, message, ...meta })}\n`);
}

/** Logs to the current activity's logger, or to stderr outside an activity. */
export const defaultLogger: Logger = {
  info: (message, meta) => {
    const log = activityLogger();
    if (log) log.info(message, meta);
    else if (process.env.SWNAS_LOG_LEVEL === 'info') stderrLine('info', message, meta);
  },
  warn: (message, meta) => {
    const log = activityLogger();
    if (log) log.warn(message, meta);
    else stderrLine('warn', message, meta);
  },
};
