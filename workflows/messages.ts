// Queries and signals of the search workflow, shared by the workflow and the command line.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SearchProgress } from './search-state';

/** Name of the search workflow type, as used in visibility queries. */
export const SEARCH_WORKFLOW_TYPE = 'stageWiseSearch';

/** The whole search state, the spec, and the candidate step in flight. */
export const progressQuery = defineQuery<SearchProgress>('progress');

/** Finish the candidate in flight, then return the best result so far. */
export const stopSignal = defineSignal('stop');
