// Keeps what the Temporal UI shows of a search current: the markdown details block and the
// search attributes (upserted only when they change, so history stays short).
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { renderDetails } from './progress';
import { BEST_ACCURACY_KEY, DATASET_KEY, ITERATION_KEY, STATE_KEY } from './search-attributes';
import { bestCandidate, type RunningStep, type SearchState } from './search-state';

/** Publishes the state of one search to the UI. */
export class SearchPublisher {
  private lastAttributes = '';

  constructor(private readonly dataset: string) {}

  publish(state: SearchState, running: RunningStep | null): void {
    setCurrentDetails(renderDetails(state, this.dataset, running));

    const best = bestCandidate(state.candidates);
    const iteration = Math.max(0, ...state.candidates.map((c) => c.iteration));
    const accuracy = best?.testAccuracy ?? null;
    const key = JSON.stringify([state.status, iteration, accuracy]);
    if (key === this.lastAttributes) return;
    this.lastAttributes = key;
    upsertSearchAttributes([
      { key: DATASET_KEY, value: this.dataset },
      { key: STATE_KEY, value: state.status },
      { key: ITERATION_KEY, value: iteration },
      { key: BEST_ACCURACY_KEY, value: accuracy },
    ]);
  }
}
