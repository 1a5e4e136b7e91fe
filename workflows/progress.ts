// Markdown views of a search for the Temporal UI's "current details" and the command line:
// one row per candidate and one line per growth decision.
import type { CandidateRecord, IterationRecord, RunningStep, SearchState } from './search-state';
import { bestCandidate } from './search-state';

/** The whole details block: heading, candidate table, decisions, and the step in flight. */
export function renderDetails(
  state: SearchState,
  dataset: string,
  running: RunningStep | null,
): string {
  const best = bestCandidate(state.candidates);
  const heading =
    `**Stage-wise search** \`${state.searchId}\` on \`${dataset}\`: ${state.status}` +
    (state.stopReason ? ` (${state.stopReason})` : '');
  const lines = [heading, '', candidateTable(state.candidates)];
  if (state.decisions.length > 0) lines.push('', decisionTable(state.decisions));
  if (running) {
    lines.push(
      '',
      `Running: ${running.step} \`${running.candidateId}\` ${depthsText(running.depths)}`,
    );
  }
  if (best) lines.push('', `Best: \`${best.candidateId}\` ${depthsText(best.depths)}`);
  return lines.join('\n');
}

/**
 * One row per trained candidate: depths, stage importances, accuracies and cost. A candidate
 * that took over a probe's model shows `= <probe>` for its training time.
 */
export function candidateTable(candidates: CandidateRecord[]): string {
  const header = [
    '| candidate | depths | stage importance | val acc | test acc | MMACs | M params | train s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const rows = candidates.map(
    (c) =>
      `| ${c.candidateId} | ${depthsText(c.depths)} ` +
      `| ${c.scores.map((s) => s.toFixed(3)).join(' ')} ` +
      `| ${percent(c.valAccuracy)} | ${percent(c.testAccuracy)} | ${mega(c.macs)} ` +
      `| ${mega(c.params)} | ${c.reusedFrom ? `= ${c.reusedFrom}` : c.trainSeconds.toFixed(0)} |`,
  );
  return [...header, ...(rows.length > 0 ? rows : ['| (none yet) | | | | | | | |'])].join('\n');
}

/** One row per iteration: which stages grew from which depths. */
export function decisionTable(decisions: IterationRecord[]): string {
  const header = ['| iteration | from | probe | grow | next |', '|---|---|---|---|---|'];
  const rows = decisions.map(
    (d) =>
      `| ${d.iteration} | ${depthsText(d.currentDepths)} | ${depthsText(d.probeDepths)} ` +
      `| ${growText(d.grow)} | ${d.converged ? 'converged' : depthsText(d.nextDepths)} |`,
  );
  return [...header, ...rows].join('\n');
}

/** Stages that grow, 1-based ("1, 3"), or "none". */
export function growText(grow: boolean[]): string {
  const stages = grow.flatMap((grows, index) => (grows ? [String(index + 1)] : []));
  return stages.length > 0 ? `stages ${stages.join(', ')}` : 'none';
}

/** Depths as `[2,4,2]`. */
export function depthsText(depths: number[]): string {
  return `[${depths.join(',')}]`;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(2)}%`;
}

function mega(value: number | null): string {
  return value === null ? '-' : (value / 1e6).toFixed(2);
}
