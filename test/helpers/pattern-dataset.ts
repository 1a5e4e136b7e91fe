// A tiny learnable image set for end-to-end searches: three classes of 16x16 pictures (a
// horizontal bar, a vertical bar, a square) at random places over noise, written as IDX.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes, writeIdxDir } from './dataset-files';

export const PATTERN_SIZE = 16;
export const PATTERN_CLASSES = 3;

function drawPattern(out: Uint8Array, offset: number, label: number, noise: Uint8Array): void {
  const size = PATTERN_SIZE;
  const place = 2 + (noise[0] % (size - 6));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const lit =
        label === 0
          ? y >= place && y < place + 2
          : label === 1
            ? x >= place && x < place + 2
            : y >= place && y < place + 4 && x >= place && x < place + 4;
      out[offset + y * size + x] = lit ? 200 + (noise[1 + x] % 55) : noise[1 + y * size + x] % 90;
    }
  }
}

function patternSplit(count: number, seed: number) {
  const pixelsPerImage = PATTERN_SIZE * PATTERN_SIZE;
  const images = new Uint8Array(count * pixelsPerImage);
  const labels = seededBytes(count, seed, PATTERN_CLASSES);
  for (let i = 0; i < count; i++) {
    const noise = seededBytes(pixelsPerImage + 1, seed * 100_003 + i + 1);
    drawPattern(images, i * pixelsPerImage, labels[i], noise);
  }
  return { images, labels };
}

/** Writes the IDX files of a pattern set into a new temporary folder and returns it. */
export function writePatternDataset(trainCount = 480, testCount = 120, seed = 5): string {
  const dir = mkdtempSync(join(tmpdir(), 'swnas-patterns-'));
  writeIdxDir(
    dir,
    {
      h: PATTERN_SIZE,
      w: PATTERN_SIZE,
      train: patternSplit(trainCount, seed),
      test: patternSplit(testCount, seed + 1),
    },
    false,
  );
  return dir;
}
