// Training-time batch norm and ReLU on TensorFlow's fused kernels (native backend only).
//
// tfjs autodiff expands a training batch norm into about twenty small element-wise ops
// forward and backward (moments, normalise, scale, and each of their gradients) and a ReLU
// gradient into Step + Multiply. Keras runs FusedBatchNormV3 / FusedBatchNormGradV3 and
// ReluGrad instead. enableFusedTraining swaps the `call` of a model's BatchNormalization and
// ReLU layers for versions that run those kernels, with tf.customGrad supplying the
// gradient. The layers keep their class, config and weights, so saving and loading are
// unchanged; a loaded model trains fused again once enableFusedTraining is called on it.
import type { LayersModel, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';

import { tf } from './tf';

type Layer = LayersModel['layers'][number];
type Kwargs = Record<string, unknown>;
type Call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => Tensor | Tensor[];

/** The parts of tfjs-node's NodeJSKernelBackend used here. */
interface NativeBackend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], count: number): Tensor[];
}
interface OpAttr {
  name: string;
  type: number;
  value: number | string | boolean;
}

/** tfjs-layers' BatchNormalization fields read here (not part of its public typings). */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerWeight;
  beta: LayerWeight;
  movingMean: LayerWeight;
  movingVariance: LayerWeight;
}
interface LayerWeight {
  read(): Tensor1D;
  write(value: Tensor1D): void;
}

const FUSED = Symbol('swnas.fusedTraining');

function nativeBackend(): NativeBackend | undefined {
  return tf.getBackend() === 'tensorflow' ? (tf.backend() as unknown as NativeBackend) : undefined;
}

function floatAttrs(native: NativeBackend, names: string[]): OpAttr[] {
  const { TF_ATTR_TYPE, TF_FLOAT } = native.binding;
  return names.map((name) => ({ name, type: TF_ATTR_TYPE, value: TF_FLOAT }));
}

function batchNormAttrs(native: NativeBackend, epsilon: number): OpAttr[] {
  const { TF_ATTR_FLOAT, TF_ATTR_STRING, TF_ATTR_BOOL } = native.binding;
  return [
    ...floatAttrs(native, ['T', 'U']),
    { name: 'epsilon', type: TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: TF_ATTR_BOOL, value: true },
  ];
}

/** Moves `weight` towards `batchValue` like Keras: w - (w - batch) * (1 - momentum). */
function movingAverage(weight: LayerWeight, batchValue: Tensor1D, momentum: number): void {
  tf.tidy(() => {
    const current = weight.read();
    weight.write(current.sub(current.sub(batchValue).mul(1 - momentum)));
  });
}

/**
 * Training batch norm of x [b, h, w, c] over b, h, w in one FusedBatchNormV3; updates the
 * moving statistics with the biased batch variance, as tfjs and Keras 3 do.
 */
function fusedBatchNormTraining(native: NativeBackend, layer: BatchNormLayer, x: Tensor4D) {
  const forwardAttrs = [
    ...batchNormAttrs(native, layer.epsilon),
    { name: 'exponential_avg_factor', type: native.binding.TF_ATTR_FLOAT, value: 1 },
  ];
  const backwardAttrs = batchNormAttrs(native, layer.epsilon);
  const movingMean = layer.movingMean.read();
  const movingVariance = layer.movingVariance.read();

  const normalize = tf.customGrad((...args) => {
    const [input, gamma, beta] = args as [Tensor4D, Tensor1D, Tensor1D];
    const save = args[3] as unknown as (tensors: Tensor[]) => void;
    // y, batch mean, unbiased batch variance, then mean, biased variance, spare (reserves).
    const [y, , , mean, variance, reserve] = native.executeMultipleOutputs(
      'FusedBatchNormV3',
      forwardAttrs,
      [input, gamma, beta, movingMean, movingVariance],
      6,
    );
    movingAverage(layer.movingMean, mean as Tensor1D, layer.momentum);
    movingAverage(layer.movingVariance, variance as Tensor1D, layer.momentum);
    save([input, gamma, mean, variance, reserve]);

    const gradFunc = (dy: Tensor, saved: Tensor[]) => {
      const [dx, dGamma, dBeta] = native.executeMultipleOutputs(
        'FusedBatchNormGradV3',
        backwardAttrs,
        [dy, ...saved],
        5,
      );
      return [dx, dGamma, dBeta];
    };
    return { value: y, gradFunc };
  });
  return normalize(x, layer.gamma.read(), layer.beta.read());
}

/** ReLU whose gradient is one ReluGrad kernel instead of Step and Multiply. */
function fusedRelu(native: NativeBackend, x: Tensor): Tensor {
  const attrs = floatAttrs(native, ['T']);
  const relu = tf.customGrad((...args) => {
    const input = args[0] as Tensor;
    const save = args[1] as unknown as (tensors: Tensor[]) => void;
    const y = tf.relu(input);
    save([y]);
    // ReluGrad passes dy where its `features` input is positive; y > 0 exactly where x > 0.
    const gradFunc = (dy: Tensor, saved: Tensor[]) =>
      native.executeSingleOutput('ReluGrad', attrs, [dy, saved[0]]);
    return { value: y, gradFunc };
  });
  return relu(x);
}

function canFuseBatchNorm(layer: BatchNormLayer, x: Tensor): boolean {
  const lastAxis = layer.axis === -1 || layer.axis === 3;
  return x.rank === 4 && x.dtype === 'float32' && lastAxis && layer.center && layer.scale;
}

function fuseBatchNorm(layer: Layer, native: NativeBackend): void {
  const original = layer.call.bind(layer) as Call;
  const fields = layer as unknown as BatchNormLayer;
  layer.call = ((inputs: Tensor | Tensor[], kwargs: Kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || !canFuseBatchNorm(fields, x)) return original(inputs, kwargs);
    return tf.tidy(() => fusedBatchNormTraining(native, fields, x as Tensor4D));
  }) as Layer['call'];
}

function fuseRelu(layer: Layer, native: NativeBackend): void {
  const original = layer.call.bind(layer) as Call;
  const maxValue = (layer as unknown as { maxValue?: number }).maxValue;
  layer.call = ((inputs: Tensor | Tensor[], kwargs: Kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || maxValue != null) return original(inputs, kwargs);
    return fusedRelu(native, x);
  }) as Layer['call'];
}

/**
 * Makes training steps of `model` run fused batch-norm and ReLU kernels; inference and the
 * saved model are unchanged. Does nothing on the pure-JS backend or when called again.
 * Returns how many layers it changed.
 */
export function enableFusedTraining(model: LayersModel): number {
  const native = nativeBackend();
  if (!native) return 0;

  let changed = 0;
  for (const layer of model.layers) {
    const marked = layer as Layer & { [FUSED]?: true };
    if (marked[FUSED]) continue;
    const className = layer.getClassName();
    if (className === 'BatchNormalization') fuseBatchNorm(layer, native);
    else if (className === 'ReLU') fuseRelu(layer, native);
    else continue;
    marked[FUSED] = true;
    changed += 1;
  }
  return changed;
}
