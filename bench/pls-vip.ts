// Times PLS + VIP on synthetic pooled-ReLU features (seeded), at the size the paper scores a
// stage on and at a small one. Run: node dist/bench/pls-vip.js
import { mulberry32 } from '../activities/pls-sample';
import { type FeatureMatrix, plsVip } from '../activities/pls-vip';

const SIZES = [
  { samples: 5_000, features: 64, classes: 10, components: 2 },
  { samples: 50_000, features: 256, classes: 10, components: 2 },
];

// Features are ReLU(class centre + unit noise), so each carries some label signal.
function syntheticFeatures(samples: number, features: number, classes: number, seed: number) {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Float64Array.from({ length: classes * features }, () => 0.5 * normal());

  const labels = Array.from({ length: samples }, () => Math.floor(random() * classes));
  const data = new Float32Array(samples * features); // [samples, features]
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < features; j++) {
      data[i * features + j] = Math.max(0, centres[labels[i] * features + j] + normal());
    }
  }
  const x: FeatureMatrix = { data, rows: samples, cols: features };
  return { x, labels };
}

function main(): void {
  for (const { samples, features, classes, components } of SIZES) {
    const { x, labels } = syntheticFeatures(samples, features, classes, 2020);

    const startMs = performance.now();
    const { meanVip } = plsVip({ x, labels, components });
    const seconds = (performance.now() - startMs) / 1000;

    console.log(
      `pls-vip n=${samples} p=${features} classes=${classes} components=${components}: ` +
        `${seconds.toFixed(2)} s (meanVip ${meanVip.toFixed(4)})`,
    );
  }
}

main();
