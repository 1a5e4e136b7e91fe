// The contract of the `writeReport` control-queue activity: which search to report and where
// the report went. Plain JSON, like every activity payload.
import type { DatasetInfo } from './activity-types';
import type { SearchProgress, SearchResult } from './search-state';
import type { SearchSpec } from './spec';

/** Input of `writeReport`: a finished search's result, or the progress of a running one. */
export interface WriteReportInput {
  searchId: string;
  result: SearchResult | SearchProgress;
  spec: SearchSpec;
  datasetId: string;
  /** Shape and classes of the dataset, to price unevaluated probes; default: read its manifest. */
  dataset?: DatasetInfo;
}

/** Keys of the objects `writeReport` wrote under `searches/<searchId>/report/`. */
export interface WriteReportResult {
  htmlKey: string;
  keys: string[];
}
