// Typed keys of the search attributes the search keeps current, so runs can be filtered in the
// Temporal UI and `swnas search list` (names in constants.ts). Plain objects of the shape of
// @temporalio/common's SearchAttributeKey, so workflows need no extra dependency.
import { SEARCH_ATTRIBUTES } from './constants';

/** Dataset name the search runs on (Keyword). */
export const DATASET_KEY = { name: SEARCH_ATTRIBUTES.dataset.name, type: 'KEYWORD' } as const;

/** running | converged | stopped | completed | failed | cancelled (Keyword). */
export const STATE_KEY = { name: SEARCH_ATTRIBUTES.state.name, type: 'KEYWORD' } as const;

/** Iteration of the newest candidate trained; 0 for the initial one (Int). */
export const ITERATION_KEY = { name: SEARCH_ATTRIBUTES.iteration.name, type: 'INT' } as const;

/** Test accuracy of the best candidate, which is chosen by validation accuracy (Double). */
export const BEST_ACCURACY_KEY = {
  name: SEARCH_ATTRIBUTES.bestAccuracy.name,
  type: 'DOUBLE',
} as const;
