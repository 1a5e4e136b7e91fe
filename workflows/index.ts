// Workflow bundle entry: every workflow the control worker runs.
export { stageWiseSearch } from './search';
