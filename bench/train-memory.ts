// Peak resident memory while training a candidate on the native backend, sampled per batch.
//   node dist/bench/train-memory.js [--depths 9,9,9] [--input 32x32x3] [--batch-size 128]
import { parseArgs } from 'node:util';
import { buildCandidate } from '../activities/model';
import { trainCandidate } from '../activities/trainer';

const BATCHES_PER_EPOCH = 6;
const EPOCHS = 2;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      depths: { type: 'string', default: '9,9,9' },
      input: { type: 'string', default: '32x32x3' },
      'batch-size': { type: 'string', default: '128' },
    },
  });
  const depths = values.depths.split(',').map(Number);
  const [h, w, c] = values.input.split('x').map(Number) as [number, number, number];
  const batchSize = Number(values['batch-size']);

  // Generated pixels: memory depends on shapes, not on what the images show.
  const count = batchSize * BATCHES_PER_EPOCH;
  const pixels = Uint8Array.from(
    { length: count * h * w * c },
    (_, i) => (i * 2_654_435_761) % 251,
  );
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const train = { pixels, labels, shape: [h, w, c] as [number, number, number] };
  const images = { ...train, mean: new Array(c).fill(128), std: new Array(c).fill(64) };

  let peakBytes = process.memoryUsage().rss;
  const sample = (): void => {
    peakBytes = Math.max(peakBytes, process.memoryUsage().rss);
  };
  const model = buildCandidate({ inputShape: [h, w, c], classes: 10, depths });
  await trainCandidate(
    model,
    { classes: 10, train: images },
    { epochs: EPOCHS, batchSize },
    {
      onBatchEnd: sample,
    },
  );
  sample();
  model.dispose();

  const steps = EPOCHS * BATCHES_PER_EPOCH;
  const gib = (peakBytes / 2 ** 30).toFixed(2);
  console.log(
    `[${depths}] ${values.input} batch ${batchSize}, ${steps} steps: peak RSS ${gib} GiB`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
