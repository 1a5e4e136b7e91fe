// Bad input through the command line: each mistake ends with one clear line on stderr and a
// non-zero exit code, and leaves nothing running or half-written behind it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { storeFromEnv } from '../../activities/s3-store';
import { runCli, type CliResult } from '../helpers/cli';
import { importPatterns, testClient } from '../helpers/durability';
import { requireStackEnv } from '../helpers/env';
import { writePatternDataset } from '../helpers/pattern-dataset';
import { startWorker, WorkerProcess } from '../helpers/workers';

/** The single stderr line of a failed command, checked against `pattern`. */
function assertOneLine(run: CliResult, pattern: RegExp): void {
  assert.notEqual(run.code, 0, `exit code 0; stdout: ${run.stdout}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr has ${lines.length} lines:\n${run.stderr}`);
  assert.match(lines[0], /^swnas: /);
  assert.match(lines[0], pattern);
}

describe('bad input through the client', () => {
  requireStackEnv();
  const tag = randomBytes(3).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'swnas-dur-input-'));
  const env = { SWNAS_CACHE_DIR: join(work, 'cache') };
  const store = storeFromEnv();
  let control: WorkerProcess | undefined;
  let client: Client;
  let dataset = '';

  before(async () => {
    client = await testClient();
    dataset = await importPatterns(`dur-input-${tag}`, env);
    control = startWorker('control', join(work, 'control.log'), env);
  });

  after(async () => {
    await control?.stop();
    await client?.connection.close();
    rmSync(work, { recursive: true, force: true });
  });

  const assertNoSearch = async (id: string) =>
    assert.rejects(client.workflow.getHandle(id).describe(), WorkflowNotFoundError);

  const invalid: [string, string[], RegExp][] = [
    ['zero epochs', ['--epochs', '0'], /epochs/],
    ['a negative batch size', ['--batch-size=-32'], /batchSize/],
    ['empty initial depths', ['--initial-depths', ''], /initialDepths/],
    ['widths and depths of different lengths', ['--widths', '16,32'], /one entry per stage/],
    ['a zero growth step', ['--growth', '0'], /growthStep/],
  ];
  for (const [what, flags, pattern] of invalid) {
    test(`refuses ${what} before starting a search`, async () => {
      const id = `dur-bad-${tag}-${flags[0].replace(/\W/g, '')}`;
      const run = await runCli(['search', 'start', '--dataset', dataset, ...flags, '--id', id]);
      assertOneLine(run, pattern);
      assert.equal(run.code, 2);
      await assertNoSearch(id);
    });
  }

  test('fails a search on an unknown dataset with one line', async () => {
    const id = `dur-nodata-${tag}`;
    const run = await runCli([
      'search',
      'start',
      '--dataset',
      `nope-${tag}`,
      '--id',
      id,
      '--watch',
    ]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr + run.stdout, new RegExp(`nope-${tag}`));
    const { status } = await client.workflow.getHandle(id).describe();
    assert.equal(status.name, 'FAILED');
    assert.deepEqual(await store.list(`searches/${id}/candidates/`), []);
  });

  test('fails a search whose featureSamples exceed the data set, naming the limit', async () => {
    const id = `dur-samples-${tag}`;
    const flags = ['--dataset', dataset, '--feature-samples', '5000', '--id', id, '--watch'];
    const run = await runCli(['search', 'start', ...flags]);
    assert.notEqual(run.code, 0);
    assert.match(
      run.stderr + run.stdout,
      /featureSamples \(5000\) exceeds the 432 training images/,
    );
    const { status } = await client.workflow.getHandle(id).describe();
    assert.equal(status.name, 'FAILED');
    assert.deepEqual(await store.list(`searches/${id}/candidates/`), []);
  });

  test('refuses wrong S3 credentials for dataset list and import, writing nothing', async () => {
    const wrong = { AWS_SECRET_ACCESS_KEY: `wrong-${tag}` };
    assertOneLine(await runCli(['dataset', 'list'], wrong), /AWS_SECRET_ACCESS_KEY/);

    const dir = writePatternDataset(64, 16);
    const name = `dur-creds-${tag}`;
    const run = await runCli(['dataset', 'import', '--idx', dir, '--name', name], {
      ...wrong,
      ...env,
    });
    rmSync(dir, { recursive: true, force: true });
    assertOneLine(run, /AWS_SECRET_ACCESS_KEY/);
    assert.deepEqual(await store.list(`datasets/${name}-`), []);
  });

  test('says Temporal is unreachable, naming the address, when nothing listens', async () => {
    const run = await runCli(['search', 'list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assertOneLine(run, /cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});
