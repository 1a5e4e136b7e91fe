// `swnas search watch`: redraws the search's tables and a progress bar of the candidate in
// flight once a second until the search closes. Exit code 0 when it completed, 1 otherwise.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../workflows/messages';
import type { SearchProgress } from '../workflows/search-state';
import { formatError } from './errors';
import { pendingSteps, resultView, statusView } from './search-view';

/** Poll interval of `watch`; default 1 s. */
export const WATCH_INTERVAL_MS = 1000;

/** How long a progress query may take before the view says no worker answered. */
const QUERY_TIMEOUT_MS = 3000;

/** Statuses in which a search may still make progress. */
const OPEN_STATUSES = new Set(['RUNNING', 'CONTINUED_AS_NEW']);

/** Watches a search until it closes; returns the exit code. */
export async function watchSearch(
  client: Client,
  workflowId: string,
  intervalMs = WATCH_INTERVAL_MS,
): Promise<number> {
  const handle = client.workflow.getHandle(workflowId);
  const screen = new Screen(process.stdout);

  for (;;) {
    const description = await handle.describe();
    const status = description.status.name;
    if (!OPEN_STATUSES.has(status)) return finalView(handle, status, screen);

    const progress = await queryProgress(handle);
    screen.draw(statusView(workflowId, status, progress, pendingSteps(description)));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The progress query's answer, or null when no control worker answers in time. */
export async function queryProgress(handle: WorkflowHandle): Promise<SearchProgress | null> {
  const deadline = Date.now() + QUERY_TIMEOUT_MS;
  try {
    return await handle.client.withDeadline(deadline, () => handle.query(progressQuery));
  } catch {
    // No control worker polls (or it is busy); the caller shows the status without tables.
    return null;
  }
}

async function finalView(handle: WorkflowHandle, status: string, screen: Screen): Promise<number> {
  try {
    const result = await handle.result();
    screen.draw(resultView(result));
    return status === 'COMPLETED' ? 0 : 1;
  } catch (err) {
    // The reason goes to stderr too, where scripts look for why a command failed.
    const line = `${handle.workflowId}: ${status.toLowerCase()}: ${formatError(err)}`;
    screen.draw(line);
    console.error(`swnas: ${line}`);
    return 1;
  }
}

/** Redraws in place on a terminal; elsewhere prints a frame only when its tables changed. */
class Screen {
  private drawnRows = 0;
  private lastKey = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(frame: string): void {
    if (!this.out.isTTY) {
      // Pipes and logs get no progress bars: one frame per change of the tables.
      const key = frame
        .split('\n')
        .filter((line) => !line.includes('epoch '))
        .join('\n');
      if (key !== this.lastKey) this.out.write(`${frame}\n\n`);
      this.lastKey = key;
      return;
    }
    const clear = this.drawnRows > 0 ? `\x1b[${this.drawnRows}F\x1b[J` : '';
    this.out.write(`${clear}${frame}\n`);
    const columns = this.out.columns || 100;
    this.drawnRows = frame
      .split('\n')
      .reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / columns)), 0);
  }
}
