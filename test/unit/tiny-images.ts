// Small generated image sets for training tests: three classes with distinct patterns
// (horizontal stripes, vertical stripes, a bright centre) under uniform noise.
import type { LabeledImages } from '../../activities/images';
import { randomInt, seededRandom } from '../../activities/prng';

const PATTERNS = [
  (y: number) => y % 2 === 0,
  (_y: number, x: number) => x % 2 === 0,
  (y: number, x: number, size: number) => Math.abs(y - size / 2) < 2 && Math.abs(x - size / 2) < 2,
];

/** `count` images of size x size x channels, labels cycling 0, 1, 2; deterministic per seed. */
export function tinyImages(count: number, size = 8, channels = 1, seed = 1): LabeledImages {
  const random = seededRandom(seed);
  const pixels = new Uint8Array(count * size * size * channels);
  const labels = new Uint8Array(count);
  let p = 0;

  for (let i = 0; i < count; i++) {
    labels[i] = i % PATTERNS.length;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const lit = PATTERNS[labels[i]](y, x, size);
        for (let c = 0; c < channels; c++) pixels[p++] = (lit ? 150 : 30) + randomInt(random, 100);
      }
    }
  }
  return {
    pixels,
    labels,
    shape: [size, size, channels],
    mean: new Array(channels).fill(110),
    std: new Array(channels).fill(60),
  };
}
