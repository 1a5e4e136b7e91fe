// Workflow bundle entry: every workflow the control worker runs.
export { baselineTraining } from './baseline';
export { stageWiseSearch } from './search';
