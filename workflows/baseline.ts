// A uniform ResNet trained with a search's recipe through the search's own activities, as the
// yardstick a search result is compared with. Its result has the shape of a search result
// with one candidate, `baseline`, so reports and comparisons read it the same way.
import { log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CandidateInput, DatasetInfo } from './activity-types';
import { progressQuery } from './messages';
import type { WriteReportInput, WriteReportResult } from './report-types';
import { SearchActivities } from './search-activities';
import {
  candidateRecord,
  newState,
  type RunningStep,
  type SearchResult,
  type SearchState,
} from './search-state';
import { validateSpec, type SearchSpec } from './spec';

/** Name of the baseline workflow type. */
export const BASELINE_WORKFLOW_TYPE = 'baselineTraining';

/** Candidate id of the one model a baseline trains. */
export const BASELINE_CANDIDATE_ID = 'baseline';

/** Input of a baseline: the recipe of a search; `spec.initialDepths` are the trained depths. */
export interface BaselineInput {
  spec: Partial<SearchSpec> & { dataset: string };
  /** Task queue of train/score/evaluate; default swnas-train. */
  trainTaskQueue?: string;
  /** Write the report under searches/<id>/report/ at the end; default true. */
  writeReport?: boolean;
}

/** A search result of one candidate, marked as a baseline. */
export type BaselineResult = SearchResult & { kind: 'baseline' };

const reports = proxyActivities<{
  writeReport(input: WriteReportInput): Promise<WriteReportResult>;
}>({ startToCloseTimeout: 5 * 60_000, retry: { maximumAttempts: 3 } });

/** Trains, scores and evaluates one uniform candidate; its workflow id names its S3 objects. */
export async function baselineTraining(input: BaselineInput): Promise<BaselineResult> {
  const spec = validateSpec(input.spec);
  const activities = new SearchActivities(spec, input.trainTaskQueue);
  const state = newState(workflowInfo().workflowId);
  let running: RunningStep | null = null;
  setHandler(progressQuery, () => ({ ...state, spec, running, best: state.candidates[0] ?? null }));

  const dataset = await activities.resolveDataset(spec.dataset);
  state.dataset = dataset;
  const candidate: CandidateInput = {
    searchId: state.searchId,
    candidateId: BASELINE_CANDIDATE_ID,
    spec,
    datasetId: dataset.datasetId,
    depths: spec.initialDepths,
  };
  const step = (name: RunningStep['step']) => {
    running = { ...candidate, role: 'initial', iteration: 0, step: name };
  };

  step('train');
  const train = await activities.train(candidate);
  step('score');
  const score = await activities.score(candidate);
  step('evaluate');
  const evaluation = await activities.evaluate(candidate);
  running = null;

  const record = candidateRecord(candidate, 'initial', 0, { train, score, evaluation });
  state.candidates.push(record);
  state.status = 'completed';
  const result = baselineResult(state, record.depths);
  if (input.writeReport ?? true) await report(result, spec, dataset);
  return result;
}

function baselineResult(state: SearchState, depths: number[]): BaselineResult {
  return {
    kind: 'baseline',
    searchId: state.searchId,
    candidates: state.candidates,
    decisions: [],
    finalDepths: depths,
    best: state.candidates[0],
    converged: false,
    stoppedEarly: false,
    // A baseline never iterates: it ends as a search with no iterations left would.
    stopReason: 'iterationLimit',
    iterations: 0,
  };
}

/** Writes the report; a failure to write it is logged, not a failure of the training. */
async function report(result: BaselineResult, spec: SearchSpec, dataset: DatasetInfo) {
  try {
    const written = await reports.writeReport({
      searchId: result.searchId,
      result,
      spec,
      datasetId: dataset.datasetId,
      dataset,
    });
    log.info('report written', { searchId: result.searchId, htmlKey: written.htmlKey });
  } catch (err) {
    log.warn('report not written', { searchId: result.searchId, error: String(err) });
  }
}
