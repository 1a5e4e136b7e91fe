// A whole search on the real stack: real workers started through the CLI, real native
// training on a tiny generated image set, checkpoints and models in SeaweedFS.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadFinalModel } from '../../activities/checkpoint';
import { storeFromEnv } from '../../activities/s3-store';
import { tf } from '../../activities/tf';
import { decideGrowth } from '../../workflows/growth';
import type { SearchResult } from '../../workflows/search-state';
import { runCli } from '../helpers/cli';
import { requireStackEnv } from '../helpers/env';
import { PATTERN_CLASSES, PATTERN_SIZE, writePatternDataset } from '../helpers/pattern-dataset';
import { startWorker, WorkerProcess } from '../helpers/workers';

describe('a stage-wise search on the real stack', () => {
  requireStackEnv();
  const tag = randomBytes(3).toString('hex');
  const dataset = `patterns-${tag}`;
  const work = mkdtempSync(join(tmpdir(), 'swnas-e2e-'));
  const env = { SWNAS_CACHE_DIR: join(work, 'cache') };
  let workers: WorkerProcess[] = [];

  before(async () => {
    const dir = writePatternDataset();
    const imported = await runCli(['dataset', 'import', '--idx', dir, '--name', dataset], env);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(imported.code, 0, imported.stderr);
    workers = [
      startWorker('control', join(work, 'control.log'), env),
      startWorker('train', join(work, 'train.log'), env),
    ];
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    rmSync(work, { recursive: true, force: true });
  });

  test(
    'runs to its iteration limit ' + 'with the candidates and decisions of the growth rule',
    async () => {
      const id = `e2e-${tag}`;
      const flags = [
        '--dataset',
        dataset,
        '--epochs',
        '2',
        '--iterations',
        '2',
        '--batch-size',
        '32',
      ];
      flags.push('--feature-samples', '150', '--seed', '3', '--id', id);
      const started = await runCli(['search', 'start', ...flags, '--watch'], env, '', 900_000);
      assert.equal(started.code, 0, `search failed:\n${started.stdout}\n${started.stderr}`);

      const shown = await runCli(['search', 'result', id, '--json'], env);
      assert.equal(shown.code, 0, shown.stderr);
      const result = JSON.parse(shown.stdout) as SearchResult;

      // Every iteration's decision is the growth rule applied to the recorded scores.
      const ids = result.candidates.map((c) => c.candidateId);
      assert.equal(ids[0], 'initial');
      let current = result.candidates[0];
      for (const decision of result.decisions) {
        const probe = result.candidates.find(
          (c) => c.candidateId === `it${decision.iteration}-probe`,
        );
        assert.ok(probe, `iteration ${decision.iteration} has no probe`);
        const expected = decideGrowth({
          depths: current.depths,
          currentScores: current.scores,
          probeScores: probe.scores,
          growthStep: 2,
        });
        assert.deepEqual(decision.grow, expected.grow);
        assert.deepEqual(decision.nextDepths, expected.nextDepths);
        if (expected.converged) break;
        const grown = result.candidates.find(
          (c) => c.candidateId === `it${decision.iteration}-grown`,
        );
        assert.ok(grown, `iteration ${decision.iteration} grew but has no grown candidate`);
        assert.deepEqual(grown.depths, expected.nextDepths);
        current = grown;
      }
      assert.deepEqual(result.finalDepths, current.depths);
      assert.ok(result.converged || result.iterations === 2);

      // Trained models learned the patterns, and the best one loads from S3 and predicts.
      for (const c of result.candidates) {
        assert.equal(c.scores.length, 3);
        assert.ok(
          c.scores.every((s) => Number.isFinite(s) && s > 0),
          `scores of ${c.candidateId}`,
        );
      }
      assert.ok(result.best, 'the search reports no best candidate');
      assert.ok(
        result.best.valAccuracy > 1 / PATTERN_CLASSES + 0.15,
        'best is no better than chance',
      );
      const model = await loadFinalModel(storeFromEnv(), id, result.best.candidateId);
      const probs = tf.tidy(() =>
        (model.predict(tf.zeros([2, PATTERN_SIZE, PATTERN_SIZE, 1])) as ReturnType<typeof tf.zeros>)
          .sum(1)
          .arraySync(),
      ) as number[];
      model.dispose();
      probs.forEach((p) => assert.ok(Math.abs(p - 1) < 1e-4, `softmax rows sum to ${p}`));
    },
  );
});
