// Terminal views of a search: the live activity line (from the pending activity's heartbeat
// details, which only describe() exposes), the candidate and decision tables, the result.
import { defaultPayloadConverter, type WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TrainHeartbeat } from '../workflows/activity-types';
import { candidateTable, decisionTable, depthsText, growText } from '../workflows/progress';
import type { SearchProgress, SearchResult } from '../workflows/search-state';

/** An activity of the search in flight, as the server reports it. */
export interface PendingStep {
  activity: string;
  attempt: number;
  /** True once a worker has picked the activity up. */
  started: boolean;
  heartbeat: TrainHeartbeat | null;
  lastFailure: string | null;
}

/** Pending activities of a described search, with their newest heartbeat decoded. */
export function pendingSteps(description: WorkflowExecutionDescription): PendingStep[] {
  return (description.raw.pendingActivities ?? []).map((pending) => {
    const payload = pending.heartbeatDetails?.payloads?.[0];
    const heartbeat = payload ? defaultPayloadConverter.fromPayload<TrainHeartbeat>(payload) : null;
    return {
      activity: pending.activityType?.name ?? 'activity',
      attempt: pending.attempt ?? 1,
      started:
        pending.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
      heartbeat,
      lastFailure: pending.lastFailure?.message ?? null,
    };
  });
}

/** `[#####.....]` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** One line per pending step: candidate, epoch/batch bar, loss and accuracy, retries. */
export function stepLine(progress: SearchProgress | null, step: PendingStep): string {
  const running = progress?.running;
  const name = running
    ? `${running.step} ${running.candidateId} ${depthsText(running.depths)}`
    : step.activity;
  const retry = step.attempt > 1 ? `  attempt ${step.attempt}` : '';
  const failure = step.lastFailure ? ` (last failure: ${step.lastFailure})` : '';
  const beat = step.heartbeat;
  if (!beat || !beat.epochs || !beat.batches)
    return `${name}  waiting for a worker${retry}${failure}`;

  const done = (beat.epoch - 1 + beat.batch / beat.batches) / beat.epochs;
  const figures =
    `epoch ${beat.epoch}/${beat.epochs} batch ${beat.batch}/${beat.batches}` +
    `  loss ${beat.loss.toFixed(4)}  acc ${accuracyText(beat.accuracy)}`;
  return `${name}  ${progressBar(done)} ${figures}${retry}${failure}`;
}

/** The whole status view: state line, tables, and the step in flight. */
export function statusView(
  workflowId: string,
  status: string,
  progress: SearchProgress | null,
  steps: PendingStep[],
): string {
  if (!progress) return `${workflowId}: ${status} (no control worker answered the progress query)`;
  const reason = progress.stopReason ? ` (${progress.stopReason})` : '';
  const stopping = progress.stopRequested && status === 'RUNNING' ? ', stop requested' : '';
  const lines = [
    `${workflowId}: ${status.toLowerCase()}, search ${progress.status}${reason}${stopping}` +
      ` on ${progress.spec.dataset}`,
    '',
    candidateTable(progress.candidates),
  ];
  if (progress.decisions.length > 0) lines.push('', decisionTable(progress.decisions));
  if (steps.length > 0) lines.push('', ...steps.map((step) => stepLine(progress, step)));
  else if (progress.running)
    lines.push('', `${progress.running.step} ${progress.running.candidateId} scheduled`);
  return lines.join('\n');
}

/** A finished search in a few lines plus its tables. */
export function resultView(result: SearchResult): string {
  const best = result.best;
  const bestLine = best
    ? `best: ${best.candidateId} ${depthsText(best.depths)}  val ${pct(best.valAccuracy)}` +
      `  test ${pct(best.testAccuracy)}  ${((best.macs ?? 0) / 1e6).toFixed(1)} MMACs` +
      `  ${((best.params ?? 0) / 1e6).toFixed(3)} M params`
    : 'best: none (no candidate finished)';
  const grew = result.decisions.map((d) => `it${d.iteration}: ${growText(d.grow)}`).join('; ');
  return [
    `${result.searchId}: ${STOP_REASONS[result.stopReason]} ` +
      `after ${result.iterations} iteration(s)`,
    `final depths: ${depthsText(result.finalDepths)}${grew ? `  (${grew})` : ''}`,
    bestLine,
    '',
    candidateTable(result.candidates),
  ].join('\n');
}

const STOP_REASONS: Record<SearchResult['stopReason'], string> = {
  converged: 'converged (no stage grew)',
  iterationLimit: 'reached maxIterations',
  depthLimit: 'reached maxDepthPerStage',
  stopSignal: 'stopped on request',
};

function pct(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(2)}%`;
}

/** Accuracy of the last finished epoch; none before the first epoch ends. */
function accuracyText(accuracy: number | null): string {
  return accuracy === null ? '-' : `${(accuracy * 100).toFixed(1)}%`;
}
