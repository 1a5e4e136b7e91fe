// Training throughput of candidate ResNets: native tfjs-node (this process), pure-JS tfjs
// (a child process with SWNAS_BACKEND=cpu, a few small steps) and Python Keras on the same
// TensorFlow version (bench/keras_train.py in its own venv). Prints images/s, achieved
// GFLOP/s (2 FLOPs per MAC, x3 for forward + both backward passes) and the ratios. Native
// and Keras run in alternation for a few rounds and each figure is the median over rounds,
// the ratio the median of each round's back-to-back pair: on shared cores a single run can
// be off by a third.
//
//   node dist/bench/train-throughput.js [--rounds 3] [--steps 20] [--warmup 3] [--batch 128]
//        [--js-batch 8] [--js-steps 1] [--skip-js] [--skip-keras] [--case 9,9,9:32x32x3 ...]
//        [--plain]   (tfjs' own batch-norm and ReLU ops instead of the fused kernels)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { candidateCost } from '../activities/cost';
import { buildCandidate } from '../activities/model';
import { describeBackend } from '../activities/tf';
import { trainCandidate } from '../activities/trainer';
import { median } from './stats';

type Shape = [number, number, number];
interface Case {
  depths: number[];
  input: Shape;
}
interface Run {
  batch: number;
  warmup: number;
  steps: number;
  fusedKernels?: boolean;
}

const CASES: Case[] = [
  { depths: [2, 2, 2], input: [28, 28, 1] },
  { depths: [2, 2, 2], input: [32, 32, 3] },
  { depths: [9, 9, 9], input: [28, 28, 1] },
  { depths: [9, 9, 9], input: [32, 32, 3] },
];
const CLASSES = 10;
const TF_PIN = 'tensorflow-cpu==2.18.1';

/** Images per second of trainCandidate on the backend this process loaded. */
async function measureTfjs({ depths, input }: Case, run: Run) {
  const { batch, warmup, steps, fusedKernels } = run;
  const [h, w, c] = input;
  const count = (warmup + steps) * batch;
  const pixels = Uint8Array.from({ length: count * h * w * c }, (_, i) => (i * 7919) % 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % CLASSES);
  const train = {
    pixels,
    labels,
    shape: input,
    mean: new Array(c).fill(128),
    std: new Array(c).fill(64),
  };
  const model = buildCandidate({ inputShape: input, classes: CLASSES, depths });

  let timedFromMs = performance.now();
  let endMs = timedFromMs;
  const onBatchEnd = ({ batch: done }: { batch: number }) => {
    if (done === warmup) timedFromMs = performance.now();
    endMs = performance.now();
  };
  await trainCandidate(
    model,
    { classes: CLASSES, train },
    { epochs: 1, batchSize: batch, fusedKernels },
    { onBatchEnd },
  );
  model.dispose();
  return (steps * batch) / ((endMs - timedFromMs) / 1000);
}

function venvPython(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const venv = join(cache, 'swnas', 'bench-venv');
  const python = join(venv, 'bin', 'python');
  const works = () =>
    spawnSync(python, ['-c', 'import tensorflow'], { stdio: 'ignore' }).status === 0;
  if (existsSync(python) && works()) return python;

  console.log(`setting up ${venv} with ${TF_PIN} (once)`);
  spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  const wheels = join(homedir(), '.cache', 'swnas', 'wheels');
  const hasWheel =
    existsSync(wheels) && readdirSync(wheels).some((f) => f.startsWith('tensorflow_cpu-2.18.1'));
  const findLinks = hasWheel ? ['--find-links', wheels] : [];
  spawnSync(join(venv, 'bin', 'pip'), ['install', '-q', ...findLinks, TF_PIN], {
    stdio: 'inherit',
  });
  if (!works()) throw new Error(`could not install ${TF_PIN} into ${venv}`);
  return python;
}

function measureKeras(python: string, { depths, input }: Case, { batch, warmup, steps }: Run) {
  const args = ['bench/keras_train.py', '--depths', depths.join(','), '--input', input.join('x')];
  args.push('--batch', `${batch}`, '--warmup', `${warmup}`, '--steps', `${steps}`);
  const result = spawnSync(python, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`keras_train.py failed: ${result.stderr.slice(-2000)}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as {
    tf: string;
    keras: string;
    imagesPerSecond: number;
  };
}

function measureJsChild(testCase: Case, run: Run): number {
  const args = [
    __filename,
    '--child',
    '--depths',
    testCase.depths.join(','),
    '--input',
    testCase.input.join('x'),
  ];
  args.push('--batch', `${run.batch}`, '--warmup', `${run.warmup}`, '--steps', `${run.steps}`);
  const env = { ...process.env, SWNAS_BACKEND: 'cpu' };
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`pure-JS child failed: ${result.stderr.slice(-2000)}`);
  return Number(result.stdout.trim().split('\n').pop());
}

const gflops = (macs: number, imagesPerSecond: number) => (macs * 2 * 3 * imagesPerSecond) / 1e9;
const fixed = (value: number | undefined, digits = 1) =>
  value === undefined ? '-' : value.toFixed(digits);

function parse() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      batch: { type: 'string', default: '128' },
      'js-batch': { type: 'string', default: '8' },
      'js-steps': { type: 'string', default: '1' },
      'skip-js': { type: 'boolean', default: false },
      'skip-keras': { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
      depths: { type: 'string', default: '2,2,2' },
      input: { type: 'string', default: '32x32x3' },
      case: { type: 'string', multiple: true },
      plain: { type: 'boolean', default: false },
    },
  });
  return values;
}

async function main(): Promise<void> {
  const flags = parse();
  const rounds = Number(flags.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`--rounds must be a whole number of at least 1, not ${flags.rounds}`);
  }
  const run: Run = {
    batch: Number(flags.batch),
    warmup: Number(flags.warmup),
    steps: Number(flags.steps),
    fusedKernels: !flags.plain,
  };
  if (flags.child) {
    const testCase = {
      depths: flags.depths.split(',').map(Number),
      input: flags.input.split('x').map(Number) as Shape,
    };
    console.log(await measureTfjs(testCase, run));
    return;
  }

  const jsRun: Run = {
    batch: Number(flags['js-batch']),
    warmup: 1,
    steps: Number(flags['js-steps']),
  };
  const python = flags['skip-keras'] ? undefined : venvPython();
  console.log('native backend', describeBackend());
  console.log(
    `native and Keras: batch ${run.batch}, ${run.warmup} warm-up + ${run.steps} timed steps, ` +
      `median of ${rounds} alternating rounds`,
  );
  console.log(
    `pure JS: batch ${jsRun.batch}, 1 warm-up + ${jsRun.steps} timed step(s), depths [2,2,2] only`,
  );

  const header = [
    'case',
    'MMACs/img',
    'native img/s',
    'GFLOP/s',
    'Keras img/s',
    'GFLOP/s',
    'JS img/s',
    'native/Keras',
    'native/JS',
  ];
  console.log(header.join(' | '));
  const caseName = ({ depths, input }: Case) => `${depths.join(',')}:${input.join('x')}`;
  const cases = flags.case ? CASES.filter((c) => flags.case?.includes(caseName(c))) : CASES;
  for (const testCase of cases) {
    const macs = candidateCost({
      inputShape: testCase.input,
      classes: CLASSES,
      depths: testCase.depths,
    }).macs;
    const natives: number[] = [];
    const kerases: ReturnType<typeof measureKeras>[] = [];
    for (let round = 0; round < rounds; round++) {
      natives.push(await measureTfjs(testCase, run));
      if (python) kerases.push(measureKeras(python, testCase, run));
    }
    const native = median(natives);
    const keras = kerases.length
      ? { ...kerases[0], imagesPerSecond: median(kerases.map((k) => k.imagesPerSecond)) }
      : undefined;
    const pairRatios = kerases.map((k, i) => natives[i] / k.imagesPerSecond);
    const ratio = pairRatios.length ? median(pairRatios) : undefined;
    const smallModel = testCase.depths[0] === 2;
    const js = !flags['skip-js'] && smallModel ? measureJsChild(testCase, jsRun) : undefined;
    const name = `[${testCase.depths}] ${testCase.input.join('x')}`;
    const row = [name, fixed(macs / 1e6), fixed(native), fixed(gflops(macs, native))];
    row.push(fixed(keras?.imagesPerSecond), fixed(keras && gflops(macs, keras.imagesPerSecond)));
    row.push(fixed(js, 2), fixed(ratio, 2), fixed(js && native / js, 0));
    console.log(row.join(' | '));
    if (keras) {
      const rounds = pairRatios.map((r) => r.toFixed(2)).join(' ');
      console.log(`  (Keras ${keras.keras} on TensorFlow ${keras.tf}; rounds ${rounds})`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
