// Parameters and multiply-accumulates of a candidate, counted from its spec without
// TensorFlow so that the workflow side and the command line can price a candidate cheaply.
//
// Counting rules (the reference's): a convolution costs H_out*W_out*C_in*C_out*k*k MACs,
// the dense classifier in*out; batch norm, additions, ReLU and pooling cost nothing.
// Parameters are counted as Keras' countParams() does: every weight, including batch
// norm's non-trainable moving mean and variance (4 per channel). Convolutions have no
// bias (batch norm follows each); the classifier has one.
import {
  type ArchitectureSpec,
  resolveArchitecture,
  STEM_FILTERS,
  stageSpatialSizes,
} from './architecture';

/** Size and compute of a candidate. */
export interface CandidateCost {
  /** All weights, trainable and batch-norm statistics, as model.countParams() reports. */
  params: number;
  /** Multiply-accumulates of one forward pass on one image. */
  macs: number;
  /** Weighted layers on the main path (stem + 2 per block + classifier): ResNet-<layers>. */
  layers: number;
}

interface Conv {
  outHeight: number;
  outWidth: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
}

const BATCH_NORM_PARAMS_PER_CHANNEL = 4;

function convCost({ outHeight, outWidth, inChannels, outChannels, kernel }: Conv) {
  const weights = kernel * kernel * inChannels * outChannels;
  return {
    params: weights + BATCH_NORM_PARAMS_PER_CHANNEL * outChannels,
    macs: outHeight * outWidth * weights,
  };
}

/** Every convolution of the network in order (stem, then blocks with their projections). */
function convolutions(spec: Required<ArchitectureSpec>): Conv[] {
  const { inputShape, depths, widths } = spec;
  const sizes = stageSpatialSizes(inputShape, depths.length);
  const convs: Conv[] = [];
  const conv = (size: [number, number], inChannels: number, outChannels: number, kernel: number) =>
    convs.push({ outHeight: size[0], outWidth: size[1], inChannels, outChannels, kernel });

  conv([inputShape[0], inputShape[1]], inputShape[2], STEM_FILTERS, 3);
  let channels = STEM_FILTERS;
  depths.forEach((depth, s) => {
    for (let block = 0; block < depth; block++) {
      conv(sizes[s], channels, widths[s], 3);
      conv(sizes[s], widths[s], widths[s], 3);
      // A 1x1 projection wherever the shortcut changes resolution or width.
      if (block === 0 && (s > 0 || channels !== widths[s])) conv(sizes[s], channels, widths[s], 1);
      channels = widths[s];
    }
  });
  return convs;
}

/** Params, MACs and depth of the candidate `spec`; throws InvalidArchitecture. */
export function candidateCost(spec: ArchitectureSpec): CandidateCost {
  const resolved = resolveArchitecture(spec);
  const features = resolved.widths[resolved.widths.length - 1];

  let params = features * resolved.classes + resolved.classes;
  let macs = features * resolved.classes;
  for (const conv of convolutions(resolved)) {
    const cost = convCost(conv);
    params += cost.params;
    macs += cost.macs;
  }

  const layers = 2 + 2 * resolved.depths.reduce((sum, depth) => sum + depth, 0);
  return { params, macs, layers };
}
