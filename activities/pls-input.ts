// Input checks for PLS/VIP: every bad input becomes a PlsInputError that says what to change,
// so that no NaN ever reaches the scores.

/** A dense row-major matrix, the shape stage features arrive in: `data[row * cols + col]`. */
export interface FeatureMatrix {
  data: Float32Array | Float64Array | readonly number[];
  rows: number;
  cols: number;
}

/** Features as nested rows (`x[sample][feature]`) or as a flat row-major matrix. */
export type FeaturesInput = FeatureMatrix | readonly (readonly number[])[];

/** Bad features, labels or component count given to PLS/VIP; not worth retrying. */
export class PlsInputError extends Error {
  override name = 'PlsInputError';
}

/** Flattens nested rows into a row-major Float64Array, rejecting empty and ragged input. */
export function toFeatureMatrix(x: FeaturesInput): FeatureMatrix {
  if (!Array.isArray(x)) return checkShape(x as FeatureMatrix);

  const rows = x as readonly (readonly number[])[];
  if (rows.length === 0) throw new PlsInputError('x is empty: give at least two samples');
  const cols = Array.isArray(rows[0]) ? rows[0].length : 0;
  if (cols === 0) throw new PlsInputError('x[0] has no features: give at least one feature');

  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) {
      const length = Array.isArray(row) ? row.length : 'no array';
      throw new PlsInputError(`x is ragged: row ${i} has ${length} features, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number') {
        throw new PlsInputError(`x[${i}][${j}] is ${JSON.stringify(row[j])}: give a number`);
      }
      data[i * cols + j] = row[j];
    }
  });
  return { data, rows: rows.length, cols };
}

function checkShape(x: FeatureMatrix): FeatureMatrix {
  const { data, rows, cols } = x;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new PlsInputError(`rows (${rows}) and cols (${cols}) must be non-negative integers`);
  }
  if (rows === 0 || cols === 0) {
    throw new PlsInputError(`x is empty (${rows} x ${cols}): give samples with features`);
  }
  if (data.length !== rows * cols) {
    throw new PlsInputError(
      `x has ${data.length} values but rows x cols is ${rows} x ${cols} = ${rows * cols}`,
    );
  }
  return x;
}

/** Throws naming the first row and column that holds NaN or an infinity. */
export function assertFinite(x: FeatureMatrix): void {
  const { data, cols } = x;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const row = Math.floor(k / cols);
      throw new PlsInputError(
        `x[${row}][${k - row * cols}] is ${data[k]}: features must be finite numbers`,
      );
    }
  }
}

/**
 * Checks that labels are integer classes 0..classes-1, one per sample, with at least two
 * distinct classes; returns the class count (default: largest label + 1).
 */
export function checkLabels(labels: ArrayLike<number>, samples: number, classes?: number): number {
  if (labels.length !== samples) {
    throw new PlsInputError(`labels has ${labels.length} entries but x has ${samples} rows`);
  }
  if (classes !== undefined && (!Number.isInteger(classes) || classes < 2)) {
    throw new PlsInputError(`classes is ${classes}: give an integer >= 2`);
  }

  let largest = -1;
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0) {
      throw new PlsInputError(`labels[${i}] is ${label}: labels must be integers 0..classes-1`);
    }
    if (classes !== undefined && label >= classes) {
      throw new PlsInputError(`labels[${i}] is ${label}: out of range for ${classes} classes`);
    }
    seen.add(label);
    largest = Math.max(largest, label);
  }

  if (seen.size < 2) {
    throw new PlsInputError(`labels hold a single class (${largest}): PLS needs two or more`);
  }
  return classes ?? largest + 1;
}

/** Checks 1 <= components <= features and enough samples (at least 2, and >= components). */
export function checkComponents(components: number, samples: number, features: number): void {
  if (!Number.isInteger(components) || components < 1) {
    throw new PlsInputError(`components is ${components}: give an integer >= 1`);
  }
  if (components > features) {
    throw new PlsInputError(
      `components is ${components} but x has ${features} features: use at most ${features}`,
    );
  }
  if (samples < Math.max(2, components)) {
    throw new PlsInputError(
      `x has ${samples} samples: give at least ${Math.max(2, components)} for ` +
        `${components} components`,
    );
  }
}
