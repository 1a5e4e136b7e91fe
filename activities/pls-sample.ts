// A seeded, class-stratified choice of the training images that stage importance is scored on,
// so that a retried scoring activity sees exactly the same samples.
import { PlsInputError } from './pls-input';

/** Mulberry32: a small 32-bit PRNG; the same seed gives the same stream of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = Math.imul(state ^ (state >>> 15), state | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Picks `count` sample indices so that each class keeps its share of the labels (the floor or
 * ceiling of count × class fraction), chosen by a PRNG seeded with `seed`; returns them sorted.
 * All indices when count is at least the number of labels.
 */
export function sampleStratified(labels: ArrayLike<number>, count: number, seed: number): number[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new PlsInputError(`count is ${count}: give a positive integer sample count`);
  }
  if (!Number.isInteger(seed)) throw new PlsInputError(`seed is ${seed}: give an integer`);
  const byClass = groupByClass(labels);
  if (count >= labels.length) return Array.from({ length: labels.length }, (_, i) => i);

  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quotas = allocate(
    classes.map((label) => byClass.get(label)!.length),
    count,
  );

  const random = mulberry32(seed);
  const chosen: number[] = [];
  classes.forEach((label, k) => {
    const members = byClass.get(label)!;
    // Partial Fisher-Yates: the first quota slots end up a uniform choice without repeats.
    for (let i = 0; i < quotas[k]; i++) {
      const j = i + Math.floor(random() * (members.length - i));
      [members[i], members[j]] = [members[j], members[i]];
      chosen.push(members[i]);
    }
  });
  return chosen.sort((a, b) => a - b);
}

function groupByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0) {
      throw new PlsInputError(`labels[${i}] is ${label}: labels must be integers 0..classes-1`);
    }
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  }
  if (byClass.size === 0) throw new PlsInputError('labels is empty: nothing to sample from');
  return byClass;
}

// Largest-remainder split of `count` in proportion to `sizes`; ties go to the earlier class.
function allocate(sizes: number[], count: number): number[] {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const exact = sizes.map((size) => (count * size) / total);
  const quotas = exact.map(Math.floor);
  let left = count - quotas.reduce((sum, quota) => sum + quota, 0);

  const byRemainder = exact
    .map((value, k) => ({ k, remainder: value - quotas[k] }))
    .sort((a, b) => b.remainder - a.remainder || a.k - b.k);
  for (const { k } of byRemainder) {
    if (left === 0) break;
    quotas[k]++;
    left--;
  }
  return quotas;
}
