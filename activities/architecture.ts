// What a candidate is, independent of TensorFlow: its input, stage depths and widths, the
// checks every builder and cost count share, and the names under which stages are found.

/** A candidate ResNet: input [h, w, c], class count, blocks per stage, filters per stage. */
export interface ArchitectureSpec {
  inputShape: [number, number, number];
  classes: number;
  depths: number[];
  /** Filters per stage; default 16 * 2^s (16, 32, 64 for three stages). */
  widths?: number[];
}

/** An architecture that cannot be built; the message names the field to change. */
export class InvalidArchitecture extends Error {
  override name = 'InvalidArchitecture';
}

/** Filters of the 3x3 stem convolution (CIFAR ResNet v1). */
export const STEM_FILTERS = 16;

/** The default widths for `stages` stages: 16, 32, 64, ... */
export function defaultWidths(stages: number): number[] {
  return Array.from({ length: stages }, (_, s) => STEM_FILTERS * 2 ** s);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Checks the spec and returns it with widths filled in; throws InvalidArchitecture. */
export function resolveArchitecture(spec: ArchitectureSpec): Required<ArchitectureSpec> {
  const { inputShape, classes, depths } = spec;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 3 ||
    !inputShape.every(isPositiveInteger)
  ) {
    throw new InvalidArchitecture(
      'inputShape must be three positive integers [height, width, channels], ' +
        `got ${JSON.stringify(inputShape)}`,
    );
  }
  if (!isPositiveInteger(classes) || classes < 2) {
    throw new InvalidArchitecture(`classes must be an integer >= 2, got ${classes}`);
  }
  if (!Array.isArray(depths) || depths.length === 0) {
    throw new InvalidArchitecture('depths must list at least one stage, e.g. [2, 2, 2]');
  }
  depths.forEach((depth, s) => {
    if (!isPositiveInteger(depth)) {
      throw new InvalidArchitecture(`depths[${s}] must be a positive integer, got ${depth}`);
    }
  });

  const widths = spec.widths ?? defaultWidths(depths.length);
  if (widths.length !== depths.length) {
    throw new InvalidArchitecture(
      `widths has ${widths.length} entries but depths has ${depths.length}; ` +
        'give one width per stage',
    );
  }
  widths.forEach((width, s) => {
    if (!isPositiveInteger(width)) {
      throw new InvalidArchitecture(`widths[${s}] must be a positive integer, got ${width}`);
    }
  });
  return { inputShape: [...inputShape], classes, depths: [...depths], widths: [...widths] };
}

/** Spatial size [h, w] of every stage's output: stage s > 0 halves with 'same' padding. */
export function stageSpatialSizes(inputShape: [number, number, number], stages: number) {
  const sizes: [number, number][] = [];
  let [height, width] = inputShape;
  for (let s = 0; s < stages; s++) {
    if (s > 0) [height, width] = [Math.ceil(height / 2), Math.ceil(width / 2)];
    sizes.push([height, width]);
  }
  return sizes;
}

/** Layer names of the stage outputs (last block of each stage): `stage1_out`, ... */
export function stageOutputNames(depths: number[]): string[] {
  return depths.map((_, s) => `stage${s + 1}_out`);
}
