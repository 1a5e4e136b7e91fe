// The activity sets the workers register: training and scoring on the train queue, light
// I/O on the control queue. Workflows import only their types (workflows/activity-types).
import type { ControlActivities, TrainActivities } from '../workflows/activity-types';
import { resolveDatasetInfo } from './dataset-activity';
import { writeReport } from './report-activity';
import { evaluateCandidate, scoreCandidate } from './score-activity';
import { trainCandidate } from './train-activity';

/** Activities of the `swnas-train` queue; a worker runs one of them at a time per device. */
export function createTrainActivities(): TrainActivities {
  return { trainCandidate, scoreCandidate, evaluateCandidate };
}

/** Activities of the `swnas-control` queue. */
export function createControlActivities(): ControlActivities {
  return { resolveDataset: resolveDatasetInfo, writeReport };
}
