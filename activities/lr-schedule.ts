// Learning rate per epoch. The rate is constant within an epoch so that a run resumed at
// an epoch boundary sees exactly the rates an uninterrupted run would have.

/** How the learning rate changes over the epochs. */
export interface LearningRateSchedule {
  /** Rate of the first epoch; default 0.1. */
  initial: number;
  /**
   * 'step' multiplies by `factor` at each boundary, 'cosine' anneals to `minimum';
   * default 'step'.
   */
  decay: 'step' | 'cosine' | 'constant';
  /** Step boundaries as fractions of the epochs; default [0.5, 0.75]. */
  boundaries: number[];
  /** Step multiplier; default 0.1. */
  factor: number;
  /** Cosine end rate; default 0. */
  minimum: number;
}

/** The default schedule: 0.1, x0.1 at 50% and 75% of the epochs. */
export const DEFAULT_SCHEDULE: LearningRateSchedule = {
  initial: 0.1,
  decay: 'step',
  boundaries: [0.5, 0.75],
  factor: 0.1,
  minimum: 0,
};

/** A schedule option that cannot produce a sensible rate. */
export class InvalidSchedule extends Error {
  override name = 'InvalidSchedule';
}

/** Fills defaults and checks the values; throws InvalidSchedule. */
export function resolveSchedule(partial: Partial<LearningRateSchedule> = {}): LearningRateSchedule {
  const schedule = { ...DEFAULT_SCHEDULE, ...partial };
  if (!(schedule.initial > 0)) {
    throw new InvalidSchedule(`learning rate must be positive, got ${schedule.initial}`);
  }
  if (!['step', 'cosine', 'constant'].includes(schedule.decay)) {
    throw new InvalidSchedule(`decay must be step, cosine or constant, got ${schedule.decay}`);
  }
  if (schedule.boundaries.some((b) => !(b > 0 && b < 1))) {
    throw new InvalidSchedule(`boundaries are fractions in (0, 1), got ${schedule.boundaries}`);
  }
  return schedule;
}

/** Learning rate for 0-based `epoch` of `epochs`. */
export function learningRateAt(schedule: LearningRateSchedule, epoch: number, epochs: number) {
  if (schedule.decay === 'constant') return schedule.initial;

  if (schedule.decay === 'cosine') {
    const progress = epochs > 1 ? epoch / epochs : 0;
    const span = schedule.initial - schedule.minimum;
    return schedule.minimum + 0.5 * span * (1 + Math.cos(Math.PI * progress));
  }

  const passed = schedule.boundaries.filter((b) => epoch >= Math.round(b * epochs)).length;
  return schedule.initial * schedule.factor ** passed;
}
