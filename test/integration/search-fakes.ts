// Fake activities for the search workflow tests: the real contracts, scripted results.
// Each search (workflow id) has a scenario that says what its candidates score and how
// their training behaves (fail once, block until released or cancelled).
import { ApplicationFailure, Context } from '@temporalio/activity';
import type {
  CandidateInput,
  ControlActivities,
  DatasetInfo,
  TrainActivities,
  TrainResult,
} from '../../workflows/activity-types';

/** What the fakes do for one search. */
export interface Scenario {
  /** Stage importances of a candidate. */
  scores(candidateId: string, depths: number[]): number[];
  /** Validation accuracy of a candidate; default grows with total depth. */
  valAccuracy?(candidateId: string, depths: number[]): number;
  /** Candidate whose first training attempt throws a retryable error. */
  failFirstTrainOf?: string;
  /** Candidate whose training heartbeats until `release` or cancellation. */
  blockTrainOf?: string;
}

/** One activity call the fakes saw. */
export interface Call {
  searchId: string;
  activity: 'train' | 'score' | 'evaluate';
  candidateId: string;
  depths: number[];
  attempt: number;
}

/** Train set size of every fake dataset. */
export const FAKE_TRAIN_COUNT = 1000;

/** Scripted activities shared by every search of a test file. */
export class FakeLab {
  readonly calls: Call[] = [];
  readonly cancelledTrainings = new Set<string>();
  private readonly scenarios = new Map<string, Scenario>();
  private readonly started = new Map<string, () => void>();
  private readonly startedPromises = new Map<string, Promise<void>>();
  private readonly released = new Set<string>();

  /** Registers the scenario of a search before it starts. */
  script(searchId: string, scenario: Scenario): void {
    this.scenarios.set(searchId, scenario);
    this.startedPromises.set(
      searchId,
      new Promise((resolve) => this.started.set(searchId, resolve)),
    );
  }

  /** Resolves when the blocked training of a search has started. */
  blockedTrainingStarted(searchId: string): Promise<void> {
    return (
      this.startedPromises.get(searchId) ?? Promise.reject(new Error(`no scenario ${searchId}`))
    );
  }

  /** Lets the blocked training of a search finish. */
  release(searchId: string): void {
    this.released.add(searchId);
  }

  /** Searches whose report the workflow asked for, in order. */
  readonly reportsWritten: string[] = [];

  controlActivities(): ControlActivities {
    return {
      async resolveDataset({ dataset }): Promise<DatasetInfo> {
        if (dataset === 'missing') {
          throw ApplicationFailure.nonRetryable(`no dataset named ${dataset}`, 'UnknownDataset');
        }
        const info = {
          datasetId: `${dataset}-0123abcd`,
          shape: [28, 28, 1] as [number, number, number],
        };
        return { ...info, classes: 10, trainCount: FAKE_TRAIN_COUNT, testCount: 200 };
      },
      writeReport: async ({ searchId }) => {
        this.reportsWritten.push(searchId);
        const htmlKey = `searches/${searchId}/report/report.html`;
        return { htmlKey, keys: [htmlKey] };
      },
    };
  }

  trainActivities(): TrainActivities {
    return {
      trainCandidate: (input) => this.train(input),
      scoreCandidate: async (input) => {
        const attempt = this.record('score', input);
        const scores = this.scenario(input).scores(input.candidateId, input.depths);
        return { scores, featureCounts: input.depths.map(() => 16), samples: 100, attempt };
      },
      evaluateCandidate: async (input) => {
        const attempt = this.record('evaluate', input);
        const total = input.depths.reduce((a, b) => a + b, 0);
        const testAccuracy = this.valAccuracy(input) - 0.01;
        return {
          testAccuracy,
          testLoss: 1 - testAccuracy,
          params: total * 1000,
          macs: total * 1e6,
          latencyMs: 2,
          attempt,
        };
      },
    };
  }

  private async train(input: CandidateInput): Promise<TrainResult> {
    const attempt = this.record('train', input);
    const scenario = this.scenario(input);
    if (scenario.failFirstTrainOf === input.candidateId && attempt === 1) {
      throw new Error('simulated worker crash during training');
    }
    if (scenario.blockTrainOf === input.candidateId) await this.block(input);

    const valAccuracy = this.valAccuracy(input);
    const epoch = {
      epoch: 1,
      loss: 1,
      accuracy: valAccuracy,
      valLoss: 1,
      valAccuracy,
      seconds: 0.1,
    };
    const prefix = `searches/${input.searchId}/candidates/${input.candidateId}`;
    return {
      candidateId: input.candidateId,
      depths: input.depths,
      epochs: [epoch],
      valAccuracy,
      trainSeconds: 0.1,
      resumedFromEpoch: attempt > 1 ? 1 : null,
      checkpointKey: `${prefix}/epoch-1/`,
      finalModelKey: `${prefix}/final/`,
      worker: 'fake-worker',
      attempt,
    };
  }

  /** Heartbeats like a training loop until released; rethrows the cancellation. */
  private async block(input: CandidateInput): Promise<void> {
    const context = Context.current();
    this.started.get(input.searchId)?.();
    let batch = 0;
    while (!this.released.has(input.searchId)) {
      context.heartbeat({
        epoch: 1,
        epochs: 1,
        batch: ++batch,
        batches: 1000,
        loss: 1,
        accuracy: 0.1,
      });
      try {
        await context.sleep(50);
      } catch (err) {
        this.cancelledTrainings.add(input.searchId);
        throw err;
      }
    }
  }

  private record(activity: Call['activity'], input: CandidateInput): number {
    const { attempt } = Context.current().info;
    const { searchId, candidateId, depths } = input;
    this.calls.push({ searchId, activity, candidateId, depths, attempt });
    return attempt;
  }

  private scenario(input: CandidateInput): Scenario {
    const scenario = this.scenarios.get(input.searchId);
    if (!scenario) throw ApplicationFailure.nonRetryable(`no scenario for ${input.searchId}`);
    return scenario;
  }

  private valAccuracy(input: CandidateInput): number {
    const scripted = this.scenario(input).valAccuracy?.(input.candidateId, input.depths);
    return scripted ?? 0.5 + 0.01 * input.depths.reduce((a, b) => a + b, 0);
  }
}
