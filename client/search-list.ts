// `swnas search list`: searches from the server's visibility store with their search
// attributes (dataset, search state, iteration, best test accuracy).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { SEARCH_WORKFLOW_TYPE } from '../workflows/messages';
import {
  BEST_ACCURACY_KEY,
  DATASET_KEY,
  ITERATION_KEY,
  STATE_KEY,
} from '../workflows/search-attributes';

/** One search as `list` shows it. */
export interface SearchSummary {
  searchId: string;
  status: string;
  dataset: string | null;
  state: string | null;
  iteration: number | null;
  bestAccuracy: number | null;
  startTime: string;
}

/** Visibility query of every search; runs that continued as new are the same search. */
export const LIST_QUERY =
  `WorkflowType = '${SEARCH_WORKFLOW_TYPE}' ` + `AND ExecutionStatus != 'ContinuedAsNew'`;

/** Prints up to `limit` searches, newest first, as a table or JSON; returns the exit code. */
export async function listSearches(client: Client, limit: number, json: boolean): Promise<number> {
  const searches: SearchSummary[] = [];
  for await (const execution of client.workflow.list({ query: LIST_QUERY, pageSize: limit })) {
    searches.push(summarize(execution));
    if (searches.length >= limit) break;
  }
  console.log(json ? JSON.stringify(searches, null, 2) : table(searches));
  return 0;
}

function summarize(execution: WorkflowExecutionInfo): SearchSummary {
  const attributes = execution.typedSearchAttributes;
  return {
    searchId: execution.workflowId,
    status: execution.status.name,
    dataset: attributes.get(DATASET_KEY) ?? null,
    state: attributes.get(STATE_KEY) ?? null,
    iteration: attributes.get(ITERATION_KEY) ?? null,
    bestAccuracy: attributes.get(BEST_ACCURACY_KEY) ?? null,
    startTime: execution.startTime.toISOString(),
  };
}

function table(searches: SearchSummary[]): string {
  if (searches.length === 0) return 'no searches yet: swnas search start --dataset NAME';
  const rows = searches.map((s) => [
    s.searchId,
    s.status.toLowerCase(),
    s.state ?? '-',
    s.dataset ?? '-',
    s.iteration === null ? '-' : String(s.iteration),
    s.bestAccuracy === null ? '-' : `${(s.bestAccuracy * 100).toFixed(2)}%`,
    s.startTime.slice(0, 19).replace('T', ' '),
  ]);
  const header = ['search', 'workflow', 'state', 'dataset', 'iter', 'best test', 'started'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
