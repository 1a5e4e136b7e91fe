// The candidate network: a CIFAR-style ResNet v1 (He et al. 2016, section 4.2).
//
//   input [h, w, c] -> conv3x3(16)-BN-ReLU -> stage 1 .. stage S
//     -> global avg pool -> dense softmax
//
// A stage is `depth` basic blocks (conv3x3-BN-ReLU-conv3x3-BN, + shortcut, ReLU). The first
// block of every stage after the first has stride 2 and a 1x1 strided projection + BN on its
// shortcut (the same projection is used whenever the width changes). Convolutions have no
// bias, he-normal kernels and L2 weight decay; activities/cost.ts counts this exact graph.
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';

import {
  type ArchitectureSpec,
  resolveArchitecture,
  STEM_FILTERS,
  stageOutputNames,
} from './architecture';
import { tf } from './tf';

export { InvalidArchitecture, stageOutputNames } from './architecture';

/**
 * Batch-norm moving-average momentum. Keras' 0.99 needs thousands of steps before the
 * moving statistics that inference uses catch up with the batch statistics; a candidate
 * trained for a few hundred steps would then be evaluated at chance. 0.9 converges in tens.
 */
export const BN_MOMENTUM = 0.9;

/** What buildCandidate needs: the architecture plus training-time regularisation. */
export interface CandidateOptions extends ArchitectureSpec {
  /** L2 factor on convolution and dense kernels; default 1e-4. */
  weightDecay?: number;
  /** Seed for the he-normal initialisers; default unseeded (random). */
  seed?: number;
}

/** Creates layers with shared settings; the seed advances per layer so kernels differ. */
class LayerFactory {
  private nextSeed: number | undefined;

  constructor(
    private readonly weightDecay: number,
    seed: number | undefined,
  ) {
    this.nextSeed = seed;
  }

  private kernelSettings() {
    const seed = this.nextSeed;
    if (this.nextSeed !== undefined) this.nextSeed += 1;
    return {
      kernelInitializer: tf.initializers.heNormal({ seed }),
      kernelRegularizer: tf.regularizers.l2({ l2: this.weightDecay }),
    };
  }

  /** conv (no bias, 'same') followed by batch norm. */
  convBn(x: SymbolicTensor, filters: number, kernel: number, stride: number, name: string) {
    const conv = tf.layers.conv2d({
      name: `${name}_conv`,
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: 'same',
      useBias: false,
      ...this.kernelSettings(),
    });
    const bn = tf.layers.batchNormalization({ name: `${name}_bn`, momentum: BN_MOMENTUM });
    return bn.apply(conv.apply(x)) as SymbolicTensor;
  }

  relu(x: SymbolicTensor, name: string) {
    return tf.layers.reLU({ name }).apply(x) as SymbolicTensor;
  }

  classifier(x: SymbolicTensor, classes: number) {
    const dense = tf.layers.dense({
      name: 'classifier',
      units: classes,
      activation: 'softmax',
      ...this.kernelSettings(),
    });
    return dense.apply(x) as SymbolicTensor;
  }
}

/** One basic block; `outName` names its final ReLU (the stage output for a stage's last block). */
function basicBlock(
  layers: LayerFactory,
  x: SymbolicTensor,
  filters: number,
  stride: number,
  prefix: string,
  outName: string,
): SymbolicTensor {
  const inChannels = x.shape[3];
  let y = layers.relu(layers.convBn(x, filters, 3, stride, `${prefix}_1`), `${prefix}_relu1`);
  y = layers.convBn(y, filters, 3, 1, `${prefix}_2`);

  const needsProjection = stride !== 1 || inChannels !== filters;
  const shortcut = needsProjection ? layers.convBn(x, filters, 1, stride, `${prefix}_proj`) : x;

  const sum = tf.layers.add({ name: `${prefix}_add` }).apply([y, shortcut]) as SymbolicTensor;
  return layers.relu(sum, outName);
}

/** Builds an untrained candidate; throws InvalidArchitecture for a bad spec. */
export function buildCandidate(options: CandidateOptions): LayersModel {
  const { inputShape, classes, depths, widths } = resolveArchitecture(options);
  const weightDecay = options.weightDecay ?? 1e-4;
  const layers = new LayerFactory(weightDecay, options.seed);
  const stageNames = stageOutputNames(depths);

  const input = tf.input({ shape: inputShape, name: 'images' }); // [batch, h, w, c]
  let x = layers.relu(layers.convBn(input, STEM_FILTERS, 3, 1, 'stem'), 'stem_relu');

  depths.forEach((depth, s) => {
    for (let block = 0; block < depth; block++) {
      const stride = s > 0 && block === 0 ? 2 : 1;
      const prefix = `s${s + 1}b${block + 1}`;
      const outName = block === depth - 1 ? stageNames[s] : `${prefix}_out`;
      x = basicBlock(layers, x, widths[s], stride, prefix, outName);
    }
  });

  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as SymbolicTensor;
  const output = layers.classifier(pooled, classes); // [batch, classes]
  return tf.model({ inputs: input, outputs: output, name: `resnet_${depths.join('_')}` });
}
