// A small seeded random generator so that shuffling and augmentation replay exactly on
// resume: the stream for an epoch depends only on (seed, epoch), never on what ran before.

/** Uniform floats in [0, 1). */
export type Random = () => number;

/** Mixes a 32-bit integer so that nearby seeds give unrelated streams. */
function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A generator for `seed` and an optional stream number (e.g. the epoch). */
export function seededRandom(seed: number, stream = 0): Random {
  let state = mix32(mix32(seed) ^ mix32(stream + 0x9e3779b9));
  return () => {
    // Weyl sequence stepped by an odd constant, then mixed: period 2^32.
    state = (state + 0x6d2b79f5) >>> 0;
    return mix32(state) / 4_294_967_296;
  };
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** The indices 0..n-1 in a random order (Fisher-Yates). */
export function shuffledIndices(n: number, random: Random): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
