// Budgets of the paper-table benchmark and the uniform ResNets a search is compared with.
import { candidateCost } from '../activities/cost';
import type { SearchSpec } from '../workflows/spec';

/** Name of a budget: `tiny` checks the script, `small` fits ~1 h on 2 cores, `full` a GPU. */
export type BudgetName = 'tiny' | 'small' | 'full';

/** Spec fields a budget sets (everything else keeps the search defaults) and its seeds. */
export interface Budget {
  spec: Partial<SearchSpec>;
  seeds: number[];
}

/**
 * The budgets. `small` fits 2 CPU cores: 5,400 training images x 3 epochs per model; three
 * seeds (15 searched models and 3 ResNet-20s) took 36 min there (bench/RESULTS.md).
 */
export const BUDGETS: Record<BudgetName, Budget> = {
  tiny: { spec: { trainLimit: 600, epochs: 1, maxIterations: 1, featureSamples: 500 }, seeds: [1] },
  small: { spec: { trainLimit: 6_000, epochs: 3, maxIterations: 3 }, seeds: [1, 2, 3] },
  full: { spec: { epochs: 30, maxIterations: 5 }, seeds: [1, 2, 3] },
};

/** A uniform CIFAR ResNet of He et al. (2016), named by its weighted layers. */
export interface UniformResNet {
  name: string;
  depths: number[];
}

/** ResNet-20, -32 and -56: 3, 5 and 9 blocks in each of three stages. */
export const UNIFORM_RESNETS: UniformResNet[] = [
  { name: 'ResNet-20', depths: [3, 3, 3] },
  { name: 'ResNet-32', depths: [5, 5, 5] },
  { name: 'ResNet-56', depths: [9, 9, 9] },
];

/** Input of a cost count: the dataset's image shape and classes, the spec's widths. */
export interface CostInput {
  inputShape: [number, number, number];
  classes: number;
  widths?: number[];
}

/** MACs of a uniform ResNet on this input. */
export function uniformMacs(resnet: UniformResNet, input: CostInput): number {
  return candidateCost({ ...input, depths: resnet.depths }).macs;
}

/**
 * The uniform ResNets to train: ResNet-20 always, plus for every searched MAC count the
 * largest uniform one below it and the smallest one at or above it.
 */
export function bracketingResNets(searchedMacs: number[], input: CostInput): UniformResNet[] {
  const chosen = new Set<string>(['ResNet-20']);
  for (const macs of searchedMacs) {
    const below = UNIFORM_RESNETS.filter((r) => uniformMacs(r, input) < macs).pop();
    const above = UNIFORM_RESNETS.find((r) => uniformMacs(r, input) >= macs);
    if (below) chosen.add(below.name);
    if (above) chosen.add(above.name);
  }
  return UNIFORM_RESNETS.filter((r) => chosen.has(r.name));
}

/** The smallest of `trained` whose MACs reach every searched MAC count, if any. */
export function comparator(
  trained: UniformResNet[],
  searchedMacs: number[],
  input: CostInput,
): UniformResNet | undefined {
  const most = Math.max(...searchedMacs);
  return trained.find((r) => uniformMacs(r, input) >= most);
}
