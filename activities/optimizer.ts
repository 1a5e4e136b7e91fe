// The training optimizer (SGD, Nesterov momentum) and its state as plain arrays, so that a
// checkpoint can store it next to the weights and a resumed run continues the same velocity.
import type { MomentumOptimizer, Tensor } from '@tensorflow/tfjs';

import { tf } from './tf';

/** One momentum slot: the velocity of one trainable variable. */
export interface OptimizerSlot {
  /** Name tfjs gave the slot (`<variable>/momentum`); informational, slots match by order. */
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Everything needed to continue training with the same optimizer. */
export interface OptimizerState {
  /** Steps taken so far. */
  iterations: number;
  /** One slot per trainable variable, in model.trainableWeights order. */
  slots: OptimizerSlot[];
}

/** Nesterov SGD with `momentum` (default 0.9); the trainer sets the rate every epoch. */
export function createOptimizer(learningRate: number, momentum = 0.9): MomentumOptimizer {
  return tf.train.momentum(learningRate, momentum, true);
}

/** Frees the optimizer's slots and its learning-rate scalar. */
export function disposeOptimizer(optimizer: MomentumOptimizer): void {
  optimizer.dispose();
  // MomentumOptimizer.dispose() skips the learning-rate scalar its SGD base keeps alive.
  const base = optimizer as unknown as { c?: { dispose(): void; isDisposed: boolean } };
  if (base.c && !base.c.isDisposed) base.c.dispose();
}

/** Copies the optimizer's state out of TensorFlow; the optimizer keeps training unchanged. */
export async function exportOptimizerState(optimizer: MomentumOptimizer): Promise<OptimizerState> {
  const [iterationsTensor, ...slots] = await optimizer.getWeights();
  const iterations = (await iterationsTensor.tensor.data())[0];
  iterationsTensor.tensor.dispose(); // a fresh scalar; the slots are live variables, kept

  const copied = await Promise.all(
    slots.map(async ({ name, tensor }) => ({
      name,
      shape: [...tensor.shape],
      values: Float32Array.from(await tensor.data()),
    })),
  );
  return { iterations, slots: copied };
}

/** Loads `state` into a fresh optimizer (one that has not stepped yet). */
export async function importOptimizerState(
  optimizer: MomentumOptimizer,
  state: OptimizerState,
): Promise<void> {
  const tensors: { name: string; tensor: Tensor }[] = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.slots.map(({ name, shape, values }) => ({ name, tensor: tf.tensor(values, shape) })),
  ];
  try {
    await optimizer.setWeights(tensors);
  } finally {
    // setWeights makes variables that share these buffers; dropping ours leaves them intact.
    tf.dispose(tensors.map(({ tensor }) => tensor));
  }
}
