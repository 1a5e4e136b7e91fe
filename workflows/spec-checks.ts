// Field-by-field checks of a search spec (defaults already filled in). Each check returns
// sentences that name the field, what it must be and what it was, so that one message
// lists every change a user has to make.

type Record_ = Record<string, unknown>;

/** One message listing every problem, for InvalidSearchSpec failures and the command line. */
export function describeProblems(problems: string[]): string {
  const plural = problems.length === 1 ? 'problem' : 'problems';
  return `invalid search spec (${problems.length} ${plural}): ${problems.join('; ')}`;
}

/** Keys the spec does not know, at the top level and inside nested objects (typo guard). */
export function unknownKeyProblems(partial: Record_, defaults: object): string[] {
  const known = new Set([...Object.keys(defaults), 'dataset', 'trainLimit']);
  const problems = Object.keys(partial)
    .filter((key) => !known.has(key))
    .map((key) => unknownKey(key, [...known]));
  for (const [key, fields] of Object.entries(defaults)) {
    const given = partial[key];
    if (!isRecord(given) || !isRecord(fields)) continue;
    const names = Object.keys(fields);
    for (const inner of Object.keys(given)) {
      if (!names.includes(inner)) problems.push(unknownKey(`${key}.${inner}`, names));
    }
  }
  return problems;
}

/** Checks of every field of a spec whose defaults are filled in. */
export function fieldChecks(spec: Record_): string[] {
  const lr = asRecord(spec.learningRate);
  const augment = asRecord(spec.augment);
  const retry = asRecord(spec.retry);
  const timeouts = asRecord(spec.timeouts);
  return [
    ...datasetName(spec.dataset),
    ...nestedObjects(spec),
    ...depthsAndWidths(spec),
    ...positiveInts(spec, ['growthStep', 'maxIterations', 'components', 'featureSamples']),
    ...positiveInts(spec, ['epochs', 'batchSize', 'maxDepthPerStage']),
    ...(spec.trainLimit === undefined ? [] : positiveInts(spec, ['trainLimit'])),
    ...integer('seed', spec.seed, 0),
    ...openFraction('validationFraction', spec.validationFraction),
    ...numberIn('momentum', spec.momentum, 'in [0, 1)', (v) => v >= 0 && v < 1),
    ...numberIn('weightDecay', spec.weightDecay, '>= 0', (v) => v >= 0),
    ...learningRate(lr),
    ...integer('augment.cropPadding', augment.cropPadding, 0),
    ...(typeof augment.flip === 'boolean' ? [] : [`augment.flip must be true or false`]),
    ...retryPolicy(retry),
    ...positiveInts(timeouts, ['trainStartToCloseMs', 'heartbeatMs'], 'timeouts.'),
  ];
}

function datasetName(value: unknown): string[] {
  if (typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) return [];
  return [
    'dataset is required: the name of an imported dataset such as "fashion-mnist", ' +
      `got ${show(value)}`,
  ];
}

function nestedObjects(spec: Record_): string[] {
  return ['learningRate', 'augment', 'retry', 'timeouts']
    .filter((key) => !isRecord(spec[key]))
    .map((key) => `${key} must be an object of its fields, got ${show(spec[key])}`);
}

function depthsAndWidths(spec: Record_): string[] {
  const problems = [
    ...positiveIntArray('initialDepths', spec.initialDepths),
    ...positiveIntArray('widths', spec.widths),
  ];
  const { initialDepths: depths, widths, maxDepthPerStage: maxDepth } = spec;
  if (problems.length === 0 && (depths as number[]).length !== (widths as number[]).length) {
    problems.push(
      `initialDepths and widths need one entry per stage: got ${show(depths)} and ${show(widths)}`,
    );
  }
  const guard = Number.isInteger(maxDepth) && (maxDepth as number) > 0;
  if (Array.isArray(depths) && guard && depths.some((d) => d > (maxDepth as number))) {
    problems.push(`initialDepths ${show(depths)} exceed maxDepthPerStage ${maxDepth}`);
  }
  return problems;
}

function learningRate(lr: Record_): string[] {
  const problems = numberIn('learningRate.initial', lr.initial, '> 0', (v) => v > 0);
  if (lr.schedule !== 'step' && lr.schedule !== 'cosine') {
    problems.push(`learningRate.schedule must be "step" or "cosine", got ${show(lr.schedule)}`);
  }
  const milestones = lr.milestones;
  const valid =
    Array.isArray(milestones) &&
    milestones.every((m, i) => isFraction(m) && (i === 0 || m > milestones[i - 1]));
  if (!valid) {
    problems.push(
      'learningRate.milestones must be increasing fractions of the epochs in (0, 1), ' +
        `got ${show(milestones)}`,
    );
  }
  problems.push(...numberIn('learningRate.gamma', lr.gamma, 'in (0, 1]', (v) => v > 0 && v <= 1));
  return problems;
}

function retryPolicy(retry: Record_): string[] {
  const problems = positiveInts(
    retry,
    ['maximumAttempts', 'initialIntervalMs', 'maximumIntervalMs'],
    'retry.',
  );
  problems.push(
    ...numberIn('retry.backoffCoefficient', retry.backoffCoefficient, '>= 1', (v) => v >= 1),
  );
  const { initialIntervalMs: first, maximumIntervalMs: most } = retry;
  if (typeof first === 'number' && typeof most === 'number' && most < first) {
    problems.push(
      `retry.maximumIntervalMs (${most}) must be at least retry.initialIntervalMs (${first})`,
    );
  }
  return problems;
}

function positiveInts(record: Record_, keys: string[], prefix = ''): string[] {
  return keys.flatMap((key) => integer(prefix + key, record[key], 1));
}

function positiveIntArray(name: string, value: unknown): string[] {
  const valid =
    Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v) && v > 0);
  return valid ? [] : [`${name} must be a non-empty list of positive integers, got ${show(value)}`];
}

function integer(name: string, value: unknown, min: number): string[] {
  if (Number.isInteger(value) && (value as number) >= min) return [];
  const what = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
  return [`${name} must be ${what}, got ${show(value)}`];
}

function openFraction(name: string, value: unknown): string[] {
  return isFraction(value) ? [] : [`${name} must be a fraction in (0, 1), got ${show(value)}`];
}

function numberIn(
  name: string,
  value: unknown,
  range: string,
  ok: (v: number) => boolean,
): string[] {
  if (typeof value === 'number' && Number.isFinite(value) && ok(value)) return [];
  return [`${name} must be a number ${range}, got ${show(value)}`];
}

function isFraction(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < 1;
}

function unknownKey(key: string, known: string[]): string {
  const leaf = key.split('.').pop() ?? key;
  const close = known.find(
    (name) => name.toLowerCase() === leaf.toLowerCase() || editDistance(name, leaf) <= 2,
  );
  const hint = close ? ` (did you mean "${close}"?)` : '';
  return `unknown field "${key}"${hint}; remove it or use one of: ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function asRecord(value: unknown): Record_ {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
