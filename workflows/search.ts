// The stage-wise search workflow (DESIGN.md, "The search"): train and score the initial
// candidate, then per iteration train a probe with every stage deepened, grow the stages whose
// importance rose, and train the grown candidate, until no stage grows. A grown candidate with
// a probe's depths takes over that probe's model: the same spec and seed would train it again.
//
// Determinism: this code is replayed against recorded histories (test/replay). Any change that
// alters the commands it issues (activities, timers, search-attribute upserts, their order)
// must keep the old path for running searches behind `patched('<change-name>')`, e.g.
//   if (patched('evaluate-probes')) { ...new path... } else { ...old path... }
// then `deprecatePatch('<change-name>')` once no search started before the change is open,
// and record a new replay history in test/replay.
import {
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CandidateInput, DatasetInfo } from './activity-types';
import { decideGrowth, GrowthInputError, type GrowthDecision } from './growth';
import { progressQuery, stopSignal } from './messages';
import { DATASET_KEY, STATE_KEY } from './search-attributes';
import { SearchActivities } from './search-activities';
import { SearchPublisher } from './search-publisher';
import {
  bestCandidate,
  candidateId,
  candidateRecord,
  findCandidate,
  newState,
  type CandidateRecord,
  type CandidateRole,
  type RunningStep,
  type SearchProgress,
  type SearchResult,
  type SearchState,
  type SearchStatus,
  type StopReason,
  reusedRecord,
  trainedProbe,
} from './search-state';
import { INVALID_SPEC_ERROR, trainingImages, validateSpec, type SearchSpec } from './spec';

/** Input of a search run; `state` is set only by continue-as-new. */
export interface SearchInput {
  /** A partial spec; validated here (defaults filled, InvalidSearchSpec on problems). */
  spec: Partial<SearchSpec> & { dataset: string };
  /** The state of the previous run when this run continues it. */
  state?: SearchState;
  /**
   * Continue-as-new after this many new candidates in one run; default: when the server
   * suggests it.
   */
  candidatesPerRun?: number;
  /** Task queue of train/score/evaluate; default swnas-train (e.g. a GPU pool's own queue). */
  trainTaskQueue?: string;
}

/** Stage-wise neural architecture search; its workflow id is the search id. */
export async function stageWiseSearch(input: SearchInput): Promise<SearchResult> {
  const spec = validSpecOrFail(input.spec);
  const state = input.state ?? newState(workflowInfo().workflowId);
  const search = new StageWiseSearch(spec, state, input);

  setHandler(progressQuery, () => search.progress());
  setHandler(stopSignal, () => search.requestStop());

  try {
    const result = await search.run();
    await search.writeReport(result);
    return result;
  } catch (err) {
    if (!(err instanceof ContinueAsNew)) search.end(isCancellation(err) ? 'cancelled' : 'failed');
    throw err;
  }
}

/** The validated spec; an invalid one marks the search failed in the UI before failing it. */
function validSpecOrFail(partial: SearchInput['spec']): SearchSpec {
  try {
    return validateSpec(partial);
  } catch (err) {
    const dataset = typeof partial?.dataset === 'string' ? partial.dataset : 'invalid';
    upsertSearchAttributes([
      { key: DATASET_KEY, value: dataset },
      { key: STATE_KEY, value: 'failed' },
    ]);
    throw err;
  }
}

class StageWiseSearch {
  private running: RunningStep | null = null;
  private candidatesThisRun = 0;
  private readonly activities: SearchActivities;
  private readonly publisher: SearchPublisher;

  constructor(
    private readonly spec: SearchSpec,
    private readonly state: SearchState,
    private readonly input: SearchInput,
  ) {
    this.activities = new SearchActivities(spec, input.trainTaskQueue);
    this.publisher = new SearchPublisher(spec.dataset);
  }

  async run(): Promise<SearchResult> {
    this.publish();
    const dataset = await this.resolveDataset();

    let current = await this.candidate(dataset, 'initial', 0, this.spec.initialDepths);
    if (await this.pause()) return this.finish('stopSignal');

    for (let iteration = 1; iteration <= this.spec.maxIterations; iteration++) {
      const probeDepths = current.depths.map((depth) => depth + this.spec.growthStep);
      if (probeDepths.some((depth) => depth > this.spec.maxDepthPerStage)) {
        return this.finish('depthLimit');
      }
      const probe = await this.candidate(dataset, 'probe', iteration, probeDepths);
      if (await this.pause()) return this.finish('stopSignal');

      const decision = this.decide(iteration, current, probe);
      if (decision.converged) return this.finish('converged');

      current = await this.candidate(dataset, 'grown', iteration, decision.nextDepths);
      if (await this.pause()) return this.finish('stopSignal');
    }
    return this.finish('iterationLimit');
  }

  /** Writes the report under searches/<id>/report/; a failure is logged, not fatal. */
  async writeReport(result: SearchResult): Promise<void> {
    // Searches recorded before reports existed replay without this activity.
    if (!patched('write-report') || !this.state.dataset) return;
    const { dataset } = this.state;
    try {
      await this.activities.writeReport({
        searchId: result.searchId,
        result,
        spec: this.spec,
        datasetId: dataset.datasetId,
        dataset,
      });
    } catch (err) {
      log.warn('report not written', { searchId: result.searchId, error: String(err) });
    }
  }

  progress(): SearchProgress {
    const best = bestCandidate(this.state.candidates);
    return { ...this.state, spec: this.spec, running: this.running, best };
  }

  requestStop(): void {
    log.info('stop requested', { searchId: this.state.searchId });
    this.state.stopRequested = true;
    this.publish();
  }

  /** Marks the search failed or cancelled in the UI before the error ends the run. */
  end(status: SearchStatus): void {
    this.state.status = status;
    this.running = null;
    this.publish();
  }

  private async resolveDataset(): Promise<DatasetInfo> {
    this.state.dataset ??= await this.activities.resolveDataset(this.spec.dataset);
    const images = trainingImages(this.spec, this.state.dataset.trainCount);
    if (this.spec.featureSamples > images) {
      throw ApplicationFailure.nonRetryable(
        `invalid search spec: featureSamples (${this.spec.featureSamples}) exceeds the ${images} ` +
          `training images of ${this.spec.dataset}; lower featureSamples to at most ${images}`,
        INVALID_SPEC_ERROR,
      );
    }
    return this.state.dataset;
  }

  /** Trains, scores and (unless a probe) evaluates one candidate; reuses a finished one. */
  private async candidate(
    dataset: DatasetInfo,
    role: CandidateRole,
    iteration: number,
    depths: number[],
  ): Promise<CandidateRecord> {
    const id = candidateId(role, iteration);
    const done = findCandidate(this.state, id);
    if (done) return done;

    const { searchId } = this.state;
    const input: CandidateInput = {
      searchId,
      candidateId: id,
      spec: this.spec,
      datasetId: dataset.datasetId,
      depths,
    };
    const step = (name: RunningStep['step']) =>
      this.enter({ candidateId: id, role, iteration, depths, step: name });

    // A grown candidate may have the depths of a probe trained before (every stage grew);
    // the same spec and seed would train that model again, so it takes over the probe's.
    const probe = role === 'grown' ? trainedProbe(this.state, depths) : undefined;
    let record: CandidateRecord;
    if (probe && patched('reuse-trained-probe')) {
      step('evaluate');
      const evaluation = await this.activities.evaluate({
        ...input,
        candidateId: probe.candidateId,
      });
      record = reusedRecord(probe, id, role, iteration, evaluation);
    } else {
      record = await this.trainScoreEvaluate(input, role, iteration, step);
    }
    this.state.candidates.push(record);
    this.candidatesThisRun++;
    this.running = null;
    log.info('candidate finished', {
      searchId,
      candidateId: id,
      depths,
      valAccuracy: record.valAccuracy,
      reusedFrom: record.reusedFrom ?? null,
    });
    this.publish();
    return record;
  }

  /** Trains and scores a candidate, and evaluates it unless it is a probe. */
  private async trainScoreEvaluate(
    input: CandidateInput,
    role: CandidateRole,
    iteration: number,
    step: (name: RunningStep['step']) => void,
  ): Promise<CandidateRecord> {
    step('train');
    const train = await this.activities.train(input);
    step('score');
    const score = await this.activities.score(input);
    if (role !== 'probe') step('evaluate');
    const evaluation = role === 'probe' ? null : await this.activities.evaluate(input);
    return candidateRecord(input, role, iteration, { train, score, evaluation });
  }

  private decide(
    iteration: number,
    current: CandidateRecord,
    probe: CandidateRecord,
  ): GrowthDecision {
    let decision: GrowthDecision;
    try {
      decision = decideGrowth({
        depths: current.depths,
        currentScores: current.scores,
        probeScores: probe.scores,
        growthStep: this.spec.growthStep,
      });
    } catch (err) {
      if (!(err instanceof GrowthInputError)) throw err;
      throw ApplicationFailure.create({
        message: err.message,
        type: 'InvalidScores',
        nonRetryable: true,
        cause: err,
      });
    }
    if (!this.state.decisions.some((d) => d.iteration === iteration)) {
      this.state.decisions.push({
        iteration,
        currentDepths: current.depths,
        probeDepths: probe.depths,
        currentScores: current.scores,
        probeScores: probe.scores,
        ...decision,
      });
      log.info('growth decided', { searchId: this.state.searchId, iteration, ...decision });
    }
    return decision;
  }

  /**
   * Between candidates: true when a stop was requested; otherwise continues as new when the
   * history has grown long (the next run skips the candidates carried in the state).
   */
  private async pause(): Promise<boolean> {
    if (this.state.stopRequested) return true;
    const limit = this.input.candidatesPerRun;
    const tooMany = limit !== undefined && this.candidatesThisRun >= limit;
    if (tooMany || workflowInfo().continueAsNewSuggested) {
      const state = { ...this.state, runs: this.state.runs + 1 };
      log.info('continuing as new', {
        searchId: state.searchId,
        candidates: state.candidates.length,
      });
      await continueAsNew<typeof stageWiseSearch>({ ...this.input, spec: this.spec, state });
    }
    return false;
  }

  private finish(reason: StopReason): SearchResult {
    this.state.stopReason = reason;
    this.state.status =
      reason === 'converged' ? 'converged' : reason === 'stopSignal' ? 'stopped' : 'completed';
    this.publish();
    const { searchId, candidates, decisions } = this.state;
    const grown = candidates.filter((c) => c.role !== 'probe');
    return {
      searchId,
      candidates,
      decisions,
      finalDepths: grown.length > 0 ? grown[grown.length - 1].depths : this.spec.initialDepths,
      best: bestCandidate(candidates),
      converged: reason === 'converged',
      stoppedEarly: reason === 'stopSignal',
      stopReason: reason,
      iterations: candidates.filter((c) => c.role === 'probe').length,
    };
  }

  private enter(step: RunningStep): void {
    this.running = step;
    this.publish();
  }

  private publish(): void {
    this.publisher.publish(this.state, this.running);
  }
}
