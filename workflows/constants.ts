/** Task queue of the workflows and the light I/O activities (dataset import, reports). */
export const CONTROL_TASK_QUEUE = 'swnas-control';

/** Task queue of training and scoring activities; one training per device at a time. */
export const TRAIN_TASK_QUEUE = 'swnas-train';

/** Default S3 bucket holding datasets, checkpoints and reports. */
export const DEFAULT_BUCKET = 'swnas';

/** Default Temporal namespace of the local stack. */
export const DEFAULT_NAMESPACE = 'default';

/** Custom search attributes the search sets so runs can be filtered in the Temporal UI. */
export const SEARCH_ATTRIBUTES = {
  dataset: { name: 'SwnasDataset', type: 'Keyword' },
  state: { name: 'SwnasState', type: 'Keyword' },
  iteration: { name: 'SwnasIteration', type: 'Int' },
  bestAccuracy: { name: 'SwnasBestAccuracy', type: 'Double' },
} as const;
