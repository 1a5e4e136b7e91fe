"""Training throughput of the swnas candidate ResNet in Python Keras, for comparison with
tfjs-node (bench/train-throughput.ts runs this in its own venv). Prints one JSON line."""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402


def conv_bn(x, filters, kernel, stride, decay):
    x = keras.layers.Conv2D(
        filters,
        kernel,
        strides=stride,
        padding="same",
        use_bias=False,
        kernel_initializer="he_normal",
        kernel_regularizer=keras.regularizers.l2(decay),
    )(x)
    return keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3)(x)


def candidate(input_shape, classes, depths, widths, decay=1e-4):
    """The same graph as activities/model.ts: CIFAR ResNet v1 with projection shortcuts."""
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.ReLU()(conv_bn(inputs, 16, 3, 1, decay))
    for stage, (depth, width) in enumerate(zip(depths, widths)):
        for block in range(depth):
            stride = 2 if stage > 0 and block == 0 else 1
            y = keras.layers.ReLU()(conv_bn(x, width, 3, stride, decay))
            y = conv_bn(y, width, 3, 1, decay)
            shortcut = x
            if stride != 1 or x.shape[-1] != width:
                shortcut = conv_bn(x, width, 1, stride, decay)
            x = keras.layers.ReLU()(keras.layers.Add()([y, shortcut]))
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(
        classes,
        activation="softmax",
        kernel_initializer="he_normal",
        kernel_regularizer=keras.regularizers.l2(decay),
    )(x)
    return keras.Model(inputs, outputs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--depths", default="2,2,2")
    parser.add_argument("--input", default="32x32x3")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()

    depths = [int(d) for d in args.depths.split(",")]
    input_shape = tuple(int(v) for v in args.input.split("x"))
    widths = [16 * 2**s for s in range(len(depths))]
    model = candidate(input_shape, args.classes, depths, widths)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.batch, *input_shape)).astype("float32")
    y = rng.integers(0, args.classes, args.batch).astype("int32")
    for _ in range(args.warmup):
        model.train_on_batch(x, y)
    started = time.perf_counter()
    for _ in range(args.steps):
        model.train_on_batch(x, y)
    seconds = time.perf_counter() - started

    print(
        json.dumps(
            {
                "tf": tf.__version__,
                "keras": keras.__version__,
                "params": model.count_params(),
                "imagesPerSecond": args.batch * args.steps / seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
