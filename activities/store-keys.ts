// The S3 key layout of DESIGN.md, in one place.

/** The four raw objects of a dataset, in the order their digests enter the dataset id. */
export const DATASET_FILES = [
  'train-images.u8',
  'train-labels.u8',
  'test-images.u8',
  'test-labels.u8',
] as const;

export type DatasetFile = (typeof DATASET_FILES)[number];

/** `datasets/<id>/`, the folder of one dataset. */
export const datasetPrefix = (id: string) => `datasets/${id}/`;

/** `datasets/<id>/<file>`. */
export const datasetKey = (id: string, file: string) => `${datasetPrefix(id)}${file}`;

/** `datasets/<id>/manifest.json`, written last: a dataset exists once this does. */
export const manifestKey = (id: string) => datasetKey(id, 'manifest.json');

/** `searches/<searchId>/candidates/<candidateId>/`. */
export const candidatePrefix = (searchId: string, candidateId: string) =>
  `searches/${searchId}/candidates/${candidateId}/`;

/** `.../epoch-<E>/`, the resumable state after epoch E. */
export const epochPrefix = (searchId: string, candidateId: string, epoch: number) =>
  `${candidatePrefix(searchId, candidateId)}epoch-${epoch}/`;

/** `.../final/`, the trained model in TensorFlow.js layers format. */
export const finalPrefix = (searchId: string, candidateId: string) =>
  `${candidatePrefix(searchId, candidateId)}final/`;
