// A deliberately incompatible change to the search workflow (a timer before anything else),
// used to show that the replay test catches non-determinism.
import { sleep } from '@temporalio/workflow';
import { stageWiseSearch as current, type SearchInput } from '../../workflows/search';

/** The search, preceded by a one-millisecond timer that no recorded history contains. */
export async function stageWiseSearch(input: SearchInput) {
  await sleep(1);
  return current(input);
}
