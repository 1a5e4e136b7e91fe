import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/workflow';
import { DEFAULT_SPEC, specProblems, trainingImages, validateSpec } from '../../workflows/spec';

/** Problems of a spec for `fashion-mnist` with these fields changed. */
function problemsWith(fields: Record<string, unknown>): string[] {
  return specProblems({ dataset: 'fashion-mnist', ...fields });
}

/** Asserts exactly one problem, mentioning `field`. */
function assertOneProblem(fields: Record<string, unknown>, field: string): void {
  const problems = problemsWith(fields);
  assert.equal(
    problems.length,
    1,
    `expected one problem for ${JSON.stringify(fields)}: ${problems}`,
  );
  assert.match(problems[0], new RegExp(field.replace('.', '\\.')));
}

test('fills every default when only the dataset is given', () => {
  const spec = validateSpec({ dataset: 'fashion-mnist' });

  assert.deepEqual(spec, { dataset: 'fashion-mnist', ...DEFAULT_SPEC });
  assert.deepEqual(spec.initialDepths, [2, 2, 2]);
  assert.equal(spec.learningRate.schedule, 'step');
  assert.equal(spec.trainLimit, undefined);
});

test('merges nested objects field by field, keeping the other defaults', () => {
  const spec = validateSpec({
    dataset: 'd',
    learningRate: { schedule: 'cosine' },
    retry: { maximumAttempts: 2 },
  });

  assert.equal(spec.learningRate.schedule, 'cosine');
  assert.equal(spec.learningRate.initial, 0.1);
  assert.deepEqual(spec.learningRate.milestones, [0.5, 0.75]);
  assert.equal(spec.retry.maximumAttempts, 2);
  assert.equal(spec.retry.maximumIntervalMs, 60_000);
});

test('does not change the defaults object when filling a spec', () => {
  validateSpec({ dataset: 'd', augment: { flip: true } });

  assert.equal(DEFAULT_SPEC.augment.flip, false);
});

test('requires a dataset name', () => {
  assertOneProblem({ dataset: undefined }, 'dataset is required');
  assertOneProblem({ dataset: '' }, 'dataset is required');
  assertOneProblem({ dataset: 'a b' }, 'dataset is required');
  assert.match(specProblems({})[0], /dataset is required/);
});

test('rejects a spec that is not an object', () => {
  for (const value of [null, 3, 'fashion-mnist', ['fashion-mnist']]) {
    assert.match(specProblems(value)[0], /must be a JSON object/);
  }
});

test('rejects zero, negative and fractional counts', () => {
  for (const field of [
    'growthStep',
    'maxIterations',
    'components',
    'featureSamples',
    'epochs',
    'batchSize',
    'maxDepthPerStage',
    'trainLimit',
  ]) {
    for (const value of [0, -1, 1.5, '3', null]) {
      assertOneProblem({ [field]: value }, field);
    }
  }
});

test('accepts an integer seed of zero but not a negative or fractional one', () => {
  assert.deepEqual(problemsWith({ seed: 0 }), []);
  assertOneProblem({ seed: -1 }, 'seed');
  assertOneProblem({ seed: 0.5 }, 'seed');
});

test('rejects empty or non-positive depths and widths', () => {
  assertOneProblem({ initialDepths: [] }, 'initialDepths');
  assertOneProblem({ initialDepths: [2, 0, 2] }, 'initialDepths');
  assertOneProblem({ initialDepths: [2, 1.5, 2] }, 'initialDepths');
  assertOneProblem({ initialDepths: '2,2,2' }, 'initialDepths');
  assertOneProblem({ widths: [] }, 'widths');
  assertOneProblem({ widths: [16, -32, 64] }, 'widths');
});

test('rejects depths and widths of different lengths', () => {
  assertOneProblem({ initialDepths: [2, 2] }, 'one entry per stage');
  assert.deepEqual(problemsWith({ initialDepths: [1, 1, 1, 1], widths: [8, 16, 32, 64] }), []);
});

test('rejects initial depths beyond the per-stage guard', () => {
  assertOneProblem({ initialDepths: [2, 70, 2] }, 'maxDepthPerStage');
  assert.deepEqual(problemsWith({ initialDepths: [2, 70, 2], maxDepthPerStage: 80 }), []);
});

test('rejects fractions outside the open unit interval', () => {
  for (const value of [0, 1, -0.1, 1.5])
    assertOneProblem({ validationFraction: value }, 'validationFraction');
  assertOneProblem({ learningRate: { milestones: [0.5, 1] } }, 'learningRate.milestones');
  assertOneProblem({ learningRate: { milestones: [0.75, 0.5] } }, 'learningRate.milestones');
  assert.deepEqual(problemsWith({ learningRate: { milestones: [] } }), []);
});

test('checks the learning rate, momentum and weight decay ranges', () => {
  assertOneProblem({ learningRate: { initial: 0 } }, 'learningRate.initial');
  assertOneProblem({ learningRate: { schedule: 'linear' } }, 'learningRate.schedule');
  assertOneProblem({ learningRate: { gamma: 0 } }, 'learningRate.gamma');
  assertOneProblem({ learningRate: { gamma: 1.5 } }, 'learningRate.gamma');
  assertOneProblem({ momentum: 1 }, 'momentum');
  assertOneProblem({ momentum: -0.1 }, 'momentum');
  assertOneProblem({ weightDecay: -1e-4 }, 'weightDecay');
  assert.deepEqual(problemsWith({ momentum: 0, weightDecay: 0 }), []);
});

test('checks augmentation, retry and timeout fields', () => {
  assertOneProblem({ augment: { cropPadding: -1 } }, 'augment.cropPadding');
  assertOneProblem({ augment: { flip: 'yes' } }, 'augment.flip');
  assert.deepEqual(problemsWith({ augment: { cropPadding: 0 } }), []);
  assertOneProblem({ retry: { maximumAttempts: 0 } }, 'retry.maximumAttempts');
  assertOneProblem({ retry: { backoffCoefficient: 0.5 } }, 'retry.backoffCoefficient');
  assertOneProblem(
    { retry: { initialIntervalMs: 5000, maximumIntervalMs: 1000 } },
    'retry.maximumIntervalMs',
  );
  assertOneProblem({ timeouts: { heartbeatMs: 0 } }, 'timeouts.heartbeatMs');
  assertOneProblem({ timeouts: { trainStartToCloseMs: -5 } }, 'timeouts.trainStartToCloseMs');
});

test('rejects a nested field that is not an object', () => {
  const problems = problemsWith({ learningRate: 0.1 });

  assert.ok(
    problems.some((p) => /learningRate must be an object/.test(p)),
    problems.join('\n'),
  );
});

test('names unknown keys and suggests the field that was meant', () => {
  const [problem] = problemsWith({ epoch: 3 });
  assert.match(problem, /unknown field "epoch" \(did you mean "epochs"\?\)/);

  const [nested] = problemsWith({ learningRate: { milestone: [0.5] } });
  assert.match(nested, /unknown field "learningRate.milestone" \(did you mean "milestones"\?\)/);

  assert.match(problemsWith({ colour: 'blue' })[0], /unknown field "colour"; remove it/);
});

test('lists every problem in one non-retryable InvalidSearchSpec failure', () => {
  const spec = { dataset: 'fashion-mnist', epochs: 0, widths: [16], batchSize: -1, typo: 1 };

  assert.throws(
    () => validateSpec(spec),
    (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'InvalidSearchSpec');
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /4 problems/);
      for (const field of ['epochs', 'widths', 'batchSize', 'typo'])
        assert.match(err.message, new RegExp(field));
      return true;
    },
  );
});

test('counts the training images left after the limit and the validation split', () => {
  const spec = validateSpec({ dataset: 'd', validationFraction: 0.1 });
  assert.equal(trainingImages(spec, 60_000), 54_000);

  const limited = validateSpec({ dataset: 'd', trainLimit: 1000, validationFraction: 0.2 });
  assert.equal(trainingImages(limited, 60_000), 800);
  assert.equal(trainingImages(limited, 500), 400);
});
