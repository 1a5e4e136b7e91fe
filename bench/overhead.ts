// Orchestration overhead of a finished search, read from its event history: how much of the
// wall time was not spent in training epochs, and how long activities waited for a worker.
//
//   node dist/bench/overhead.js <searchId>
import { temporal } from '@temporalio/proto';
import { trainedCandidates, type SearchResult } from '../workflows/search-state';
import { withClient } from '../client/temporal';
import { median } from './stats';

type Event = temporal.api.history.v1.IHistoryEvent;

function millis(event: Event): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + Math.round((time?.nanos ?? 0) / 1e6);
}

interface ActivityTimes {
  /** Schedule-to-start of every activity that started, ms. */
  waits: number[];
  /** Started-to-closed time per activity type, ms. */
  busyMs: Map<string, number>;
}

/** Per activity: when it was scheduled, started and closed, from the history. */
function activityTimes(events: Event[]): ActivityTimes {
  const scheduled = new Map<string, { type: string; atMs: number }>();
  const started = new Map<string, number>();
  const times: ActivityTimes = { waits: [], busyMs: new Map() };
  for (const event of events) {
    const id = String(event.eventId);
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(id, { type: s.activityType?.name ?? '?', atMs: millis(event) });
    const st = event.activityTaskStartedEventAttributes;
    if (st) {
      // The started event is written when the attempt ends, but its time is the start.
      const from = scheduled.get(String(st.scheduledEventId));
      if (from) times.waits.push(millis(event) - from.atMs);
      started.set(String(st.scheduledEventId), millis(event));
    }
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    if (closed) {
      const key = String(closed.scheduledEventId);
      const type = scheduled.get(key)?.type ?? '?';
      const busy = millis(event) - (started.get(key) ?? millis(event));
      times.busyMs.set(type, (times.busyMs.get(type) ?? 0) + busy);
    }
  }
  return times;
}

async function main(searchId: string): Promise<void> {
  await withClient(async ({ client }) => {
    const handle = client.workflow.getHandle(searchId);
    const result = (await handle.result()) as SearchResult;
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    // Until a control worker picks up the first workflow task the search has not begun:
    // that wait is worker start-up (bundling the workflow code), reported on its own.
    const firstTask = events.find((e) => e.workflowTaskStartedEventAttributes);
    const startupMs = firstTask ? millis(firstTask) - millis(events[0]) : 0;
    const wallMs = millis(events[events.length - 1]) - millis(events[0]) - startupMs;
    // A candidate that took over a probe's model repeats the probe's epochs; count them once.
    const epochMs = trainedCandidates(result.candidates)
      .flatMap((c) => c.epochs ?? [])
      .reduce((sum, epoch) => sum + epoch.seconds * 1000, 0);
    const { waits, busyMs } = activityTimes(events);
    const trainMs = busyMs.get('trainCandidate') ?? 0;
    const scoringMs = (busyMs.get('scoreCandidate') ?? 0) + (busyMs.get('evaluateCandidate') ?? 0);
    const allBusyMs = [...busyMs.values()].reduce((a, b) => a + b, 0);
    // Orchestration: time outside any activity, plus training activities' time outside epochs
    // (dataset load, model build, checkpoint writes, model export).
    const betweenMs = wallMs - allBusyMs;
    const aroundEpochsMs = trainMs - epochMs;
    const overhead = (betweenMs + aroundEpochsMs) / wallMs;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

    console.log(`search ${searchId}: ${result.candidates.length} candidates`);
    console.log(`waiting for a control worker    ${s(startupMs)} (not counted below)`);
    console.log(`wall time                       ${s(wallMs)}`);
    console.log(`training epochs                 ${s(epochMs)}`);
    console.log(`scoring and evaluation          ${s(scoringMs)}`);
    console.log(`training activities, not epochs ${s(aroundEpochsMs)}`);
    console.log(`outside any activity            ${s(betweenMs)}`);
    console.log(`orchestration overhead          ${(100 * overhead).toFixed(2)} % of wall time`);
    console.log(
      `schedule-to-start               median ${median(waits).toFixed(0)} ms, ` +
        `max ${Math.max(...waits).toFixed(0)} ms over ${waits.length} activities`,
    );
  });
}

const searchId = process.argv[2];
if (!searchId) {
  console.error('usage: node dist/bench/overhead.js <searchId>');
  process.exitCode = 2;
} else {
  main(searchId).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
