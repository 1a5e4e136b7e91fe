import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readHistoryFile } from './history-file';

// Recordings live beside the sources (test/replay/*.json); this file runs from dist/test/replay.
const RECORDINGS = path.resolve(__dirname, '../../../test/replay');

// ERROR: the determinism test provokes a warning on purpose.
Runtime.install({ logger: new DefaultLogger('ERROR') });

function recordings(): {
  name: string;
  workflowId: string;
  history: ReturnType<typeof readHistoryFile>['history'];
}[] {
  const files = readdirSync(RECORDINGS).filter((file) => file.endsWith('.json'));
  return files.map((file) => ({ name: file, ...readHistoryFile(path.join(RECORDINGS, file)) }));
}

test('has recorded histories of converged, stopped and fully growing searches to replay', () => {
  const names = recordings().map((r) => r.name);

  assert.ok(names.includes('converged-search.json'), names.join(', '));
  assert.ok(names.includes('stopped-search.json'), names.join(', '));
  // A search whose grown candidate was trained again (before probes were taken over) and one
  // where it takes over the probe: both paths of the 'reuse-trained-probe' patch.
  assert.ok(names.includes('grown-retrained.json'), names.join(', '));
  assert.ok(names.includes('probe-taken-over.json'), names.join(', '));
});

test('replays every recorded search history against the current workflow code', async () => {
  const workflowsPath = path.resolve(__dirname, '../../workflows/index.js');

  for (const { name, workflowId, history } of recordings()) {
    await assert.doesNotReject(
      Worker.runReplayHistory({ workflowsPath }, history, workflowId),
      `replaying ${name}`,
    );
  }
});

test('reports a determinism violation when the workflow code changes incompatibly', async () => {
  const workflowsPath = path.resolve(__dirname, 'modified-workflow.js');
  const [{ workflowId, history }] = recordings();

  await assert.rejects(
    Worker.runReplayHistory({ workflowsPath }, history, workflowId),
    DeterminismViolationError,
  );
});
