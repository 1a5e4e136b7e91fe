// PLS2 by NIPALS, following scikit-learn's PLSRegression (mode A, regression deflation,
// y weights not normalised). Matrices are row-major Float64Arrays: X [n, p], Y [n, q].
//
// sklearn's power iteration alternates X' y_score and X w over all n samples. Both steps only
// ever meet the data through the cross-covariance M = X'Y, so this iterates on M [q, p] and
// touches the n rows once per component instead of twice per iteration. The vectors agree with
// sklearn's up to its `+ eps` guards (about 1e-16 relative) and a sign, which VIP ignores.

const EPS = 2.220446049250313e-16;

/** Power-iteration settings; defaults are sklearn's (500 iterations, tolerance 1e-6). */
export interface NipalsOptions {
  /** Most power iterations per component (default 500). */
  maxIterations?: number;
  /** Stop when the squared change of the x weights falls below this (default 1e-6). */
  tolerance?: number;
}

/** Latent vectors of a fit, one entry per component actually fitted. */
export interface PlsFit {
  /** Unit x weights w_a, length p each. */
  xWeights: Float64Array[];
  /** X scores t_a = X_a w_a, length n each. */
  xScores: Float64Array[];
  /** Y loadings q_a = Y_a' t_a / t_a't_a, length q each. */
  yLoadings: Float64Array[];
  /** Power iterations used per component. */
  iterations: number[];
}

/**
 * Centres every column and divides it by its standard deviation (ddof 1), in place. A constant
 * column becomes exactly zero and is divided by 1, as sklearn does for zero variance.
 */
export function standardize(data: Float64Array, rows: number, cols: number): void {
  const mean = new Float64Array(cols);
  const constant = new Uint8Array(cols).fill(1);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      mean[j] += data[o + j];
      if (data[o + j] !== data[j]) constant[j] = 0;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] = constant[j] ? data[j] : mean[j] / rows;

  const squares = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = data[o + j] - mean[j];
      data[o + j] = d;
      squares[j] += d * d;
    }
  }

  const inverseStd = squares.map((s) => (s > 0 ? 1 / Math.sqrt(s / (rows - 1)) : 1));
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) data[o + j] *= inverseStd[j];
  }
}

/**
 * Fits up to `components` latent variables, deflating X and Y in place. Stops early, as
 * sklearn does, when the Y residual is constant, and also when X has nothing left to explain
 * (where sklearn would divide by zero); the fit then holds fewer components.
 */
export function fitNipals(
  x: Float64Array,
  y: Float64Array,
  shape: { n: number; p: number; q: number },
  components: number,
  options: NipalsOptions = {},
): PlsFit {
  const fit: PlsFit = { xWeights: [], xScores: [], yLoadings: [], iterations: [] };
  for (let a = 0; a < components; a++) {
    zeroNegligibleColumns(y, shape.n, shape.q);
    const start = firstVaryingColumn(y, shape.n, shape.q);
    if (start < 0) break;

    const m = crossProduct(x, y, shape); // [q, p]
    const power = powerIterate(m, shape.p, shape.q, start, options);
    if (!power) break;

    const t = multiply(x, power.w, shape.n, shape.p);
    const tt = dot(t, t);
    if (!(tt > 0)) break;

    const isLast = a === components - 1;
    if (!isLast) deflate(x, t, tt, shape.n, shape.p);
    const yLoading = deflate(y, t, tt, shape.n, shape.q);

    fit.xWeights.push(power.w);
    fit.xScores.push(t);
    fit.yLoadings.push(yLoading);
    fit.iterations.push(power.iterations);
  }
  return fit;
}

// sklearn zeroes Y columns whose every entry is below 10 eps before each component.
function zeroNegligibleColumns(y: Float64Array, n: number, q: number): void {
  for (let c = 0; c < q; c++) {
    let negligible = true;
    for (let i = 0; i < n && negligible; i++) negligible = Math.abs(y[i * q + c]) < 10 * EPS;
    if (negligible) for (let i = 0; i < n; i++) y[i * q + c] = 0;
  }
}

// sklearn starts y_score at the first Y column holding an entry above eps; -1 if none does.
function firstVaryingColumn(y: Float64Array, n: number, q: number): number {
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < n; i++) if (Math.abs(y[i * q + c]) > EPS) return c;
  }
  return -1;
}

// M = X'Y stored as [q, p], so each sample adds contiguous rows.
function crossProduct(
  x: Float64Array,
  y: Float64Array,
  { n, p, q }: { n: number; p: number; q: number },
): Float64Array {
  const m = new Float64Array(q * p);
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    for (let c = 0; c < q; c++) {
      const yic = y[i * q + c];
      if (yic === 0) continue;
      const mo = c * p;
      for (let j = 0; j < p; j++) m[mo + j] += yic * x[xo + j];
    }
  }
  return m;
}

// w ∝ M v, v ∝ M'w until w settles; the returned w has unit length and sklearn's sign.
function powerIterate(
  m: Float64Array,
  p: number,
  q: number,
  start: number,
  { maxIterations = 500, tolerance = 1e-6 }: NipalsOptions,
): { w: Float64Array; iterations: number } | undefined {
  let u = m.slice(start * p, start * p + p);
  let previous: Float64Array | undefined;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const norm = Math.sqrt(dot(u, u));
    if (!(norm > 0)) return undefined;
    const w = u.map((value) => value / norm);

    const v = new Float64Array(q); // y weights, up to scale
    for (let c = 0; c < q; c++) v[c] = dot(m.subarray(c * p, c * p + p), w);

    const converged = previous !== undefined && squaredDistance(w, previous) < tolerance;
    if (converged || q === 1) return { w: flipSign(w), iterations };
    previous = w;

    u = new Float64Array(p);
    for (let c = 0; c < q; c++) {
      for (let j = 0; j < p; j++) u[j] += m[c * p + j] * v[c];
    }
  }
  return previous && { w: flipSign(previous), iterations };
}

// sklearn's _svd_flip_1d: the entry of largest magnitude is made positive.
function flipSign(w: Float64Array): Float64Array {
  let largest = 0;
  for (let j = 1; j < w.length; j++) if (Math.abs(w[j]) > Math.abs(w[largest])) largest = j;
  if (w[largest] < 0) for (let j = 0; j < w.length; j++) w[j] = -w[j];
  return w;
}

// Removes the rank-one part t l' from A [n, cols] in place; returns l = A't / t't.
function deflate(a: Float64Array, t: Float64Array, tt: number, n: number, cols: number) {
  const loading = new Float64Array(cols);
  for (let i = 0; i < n; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) loading[j] += t[i] * a[o + j];
  }
  for (let j = 0; j < cols; j++) loading[j] /= tt;

  for (let i = 0; i < n; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) a[o + j] -= t[i] * loading[j];
  }
  return loading;
}

// A w for A [n, p].
function multiply(a: Float64Array, w: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dot(a.subarray(i * p, i * p + p), w);
  return out;
}

/** Inner product of two equally long vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k] - b[k]) ** 2;
  return sum;
}
