// The one place that loads TensorFlow.js. Every other module imports `tf` from here so
// that the backend (native GPU, native CPU, or pure JS) is chosen once per process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;

/** Values SWNAS_BACKEND accepts; unset means `auto`. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The command that builds the native addon (see infra/install-tensorflow.sh). */
export const INSTALL_COMMAND = 'bash infra/install-tensorflow.sh';

const CPU_PACKAGE = '@tensorflow/tfjs-node';
const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const JS_PACKAGE = '@tensorflow/tfjs';

/** SWNAS_BACKEND holds a value that is not one of BACKEND_CHOICES. */
export class UnknownBackendError extends Error {
  override name = 'UnknownBackendError';
}

/** The requested native backend cannot be loaded on this machine. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

/** What a worker logs at start-up about the TensorFlow it runs on. */
export interface BackendDescription {
  /** tfjs backend name: `tensorflow` (native) or `cpu` (pure JS). */
  backend: string;
  /** TensorFlow C library version on native backends, tfjs-core version on pure JS. */
  tfVersion: string;
  /** Device kinds the backend places ops on, e.g. ['GPU', 'CPU']. */
  devices: string[];
  /** npm package that provides the backend. */
  package: string;
}

/** Reads SWNAS_BACKEND (default `auto`) and rejects anything outside BACKEND_CHOICES. */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  const choice = value === undefined || value === '' ? 'auto' : value;
  if ((BACKEND_CHOICES as readonly string[]).includes(choice)) return choice as BackendChoice;
  throw new UnknownBackendError(
    `SWNAS_BACKEND=${choice} is not a backend; use one of: ${BACKEND_CHOICES.join(', ')}`,
  );
}

function loadModule(name: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- backend picked at run time
  return require(name);
}

function isInstalled(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** True when an NVIDIA GPU is visible to this process (driver present, not hidden by env). */
export function gpuVisible(): boolean {
  const hidden = process.env.CUDA_VISIBLE_DEVICES;
  if (hidden === '' || hidden === '-1') return false;
  if (existsSync('/proc/driver/nvidia')) return true;
  return spawnSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

function loadNative(packageName: string): Tf {
  let tfNative: Tf;
  try {
    tfNative = loadModule(packageName) as Tf;
  } catch (err) {
    throw new BackendUnavailableError(
      `cannot load ${packageName} (native TensorFlow library or addon missing); ` +
        `run \`${INSTALL_COMMAND}\`: ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }

  if (tfNative.getBackend() !== 'tensorflow') {
    throw new BackendUnavailableError(
      `${packageName} loaded but the active backend is ${tfNative.getBackend()}; ` +
        `rebuild with \`${INSTALL_COMMAND}\``,
    );
  }
  return tfNative;
}

function loadGpu(): Tf {
  if (!isInstalled(GPU_PACKAGE)) {
    throw new BackendUnavailableError(
      `SWNAS_BACKEND=tensorflow-gpu needs ${GPU_PACKAGE}, which is not installed; ` +
        `install it and build it against the GPU wheel like \`${INSTALL_COMMAND}\` does for CPU`,
    );
  }
  if (!gpuVisible()) {
    throw new BackendUnavailableError(
      'SWNAS_BACKEND=tensorflow-gpu but no NVIDIA GPU is visible (no /proc/driver/nvidia, ' +
        `nvidia-smi failed, or CUDA_VISIBLE_DEVICES hides it); use SWNAS_BACKEND=tensorflow ` +
        `after \`${INSTALL_COMMAND}\``,
    );
  }
  return loadNative(GPU_PACKAGE);
}

function load(choice: BackendChoice): { tf: Tf; packageName: string } {
  // TensorFlow's C++ start-up info lines would drown the worker's structured logs.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

  if (choice === 'cpu') {
    process.stderr.write(
      'swnas: SWNAS_BACKEND=cpu uses pure-JS TensorFlow.js, which trains far slower than the ' +
        `native backend (\`${INSTALL_COMMAND}\`)\n`,
    );
    const tfJs = loadModule(JS_PACKAGE) as Tf;
    tfJs.backend(); // initialises the registered cpu backend so getBackend() answers at once
    return { tf: tfJs, packageName: JS_PACKAGE };
  }
  if (choice === 'tensorflow-gpu') return { tf: loadGpu(), packageName: GPU_PACKAGE };
  if (choice === 'auto' && isInstalled(GPU_PACKAGE) && gpuVisible()) {
    return { tf: loadNative(GPU_PACKAGE), packageName: GPU_PACKAGE };
  }
  return { tf: loadNative(CPU_PACKAGE), packageName: CPU_PACKAGE };
}

const loaded = load(parseBackendChoice(process.env.SWNAS_BACKEND));

/** The TensorFlow.js module on the backend picked by SWNAS_BACKEND (default `auto`). */
export const tf: Tf = loaded.tf;

/** Backend name, TensorFlow version, devices and package, for the worker's start-up log. */
export function describeBackend(): BackendDescription {
  const backend = tf.getBackend();
  if (backend !== 'tensorflow') {
    return { backend, tfVersion: tf.version.tfjs, devices: ['CPU'], package: loaded.packageName };
  }

  // NodeJSKernelBackend exposes the addon, which reports the linked C library's version.
  const native = tf.backend() as unknown as {
    binding: { TF_Version: string };
    isUsingGpuDevice: boolean;
  };
  return {
    backend,
    tfVersion: native.binding.TF_Version,
    devices: native.isUsingGpuDevice ? ['GPU', 'CPU'] : ['CPU'],
    package: loaded.packageName,
  };
}
