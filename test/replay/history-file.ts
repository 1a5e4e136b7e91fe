// Recorded workflow histories for replay tests. A history is stored as its protobuf bytes
// (base64) with a readable list of event types beside it. Protobuf rather than Temporal's
// JSON form because @temporalio/common's historyToJSON/historyFromJSON fail in this install
// ("type must be a Type": two copies of protobufjs 8 under @temporalio/common and /proto).
import { readFileSync, writeFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** Contents of one test/replay/*.json file. */
export interface HistoryFile {
  workflowId: string;
  /** Event types in order, for readers and reviews of a changed recording. */
  eventTypes: string[];
  /** temporal.api.history.v1.History, protobuf-encoded, base64. */
  historyBase64: string;
}

/** Writes a fetched history to `file`. */
export function writeHistoryFile(file: string, workflowId: string, history: History): void {
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  const eventTypes = (history.events ?? []).map(
    (event) => temporal.api.enums.v1.EventType[event.eventType ?? 0],
  );
  const contents: HistoryFile = {
    workflowId,
    eventTypes,
    historyBase64: Buffer.from(bytes).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(contents, null, 2) + '\n');
}

/** Reads a history file back into a History and the id of the workflow it was recorded from. */
export function readHistoryFile(file: string): { workflowId: string; history: History } {
  const contents = JSON.parse(readFileSync(file, 'utf8')) as HistoryFile;
  const history = temporal.api.history.v1.History.decode(
    Buffer.from(contents.historyBase64, 'base64'),
  );
  return { workflowId: contents.workflowId, history };
}
