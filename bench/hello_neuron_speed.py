"""y = 2x - 1 for 500 epochs: plain `model.fit` (the book's code) against the skill's loop.

Two baselines: the book's code on tf_keras (Keras 2, what the skill uses) and on Keras 3 (what
`import keras` gives with TF 2.19). All run in this one warm process (TensorFlow imported, each path
traced once before timing),
so the ratio is like for like. Prints medians over --repeats runs.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")


def plain_fit(xs, ys, epochs: int, keras_version: int = 2) -> float:
    if keras_version == 2:
        import tf_keras as keras
    else:
        import keras

    model = keras.Sequential([keras.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    started = time.perf_counter()
    model.fit(xs, ys, epochs=epochs, verbose=0)
    return time.perf_counter() - started


def skill_loop(xs, ys, epochs: int) -> float:
    from skills import hello_neuron

    model = hello_neuron.build_model()
    started = time.perf_counter()
    hello_neuron.train(model, xs, ys, epochs=epochs, learning_rate=0.01)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=500)
    args = parser.parse_args()

    from skills import hello_neuron

    xs, ys = hello_neuron.Params().data()
    plain_fit(xs, ys, 5)  # warm every path: imports, graph tracing
    plain_fit(xs, ys, 5, keras_version=3)
    skill_loop(xs, ys, 5)

    runs = {
        "plain fit, tf_keras (Keras 2)": [plain_fit(xs, ys, args.epochs) for _ in range(args.repeats)],
        "plain fit, Keras 3": [plain_fit(xs, ys, args.epochs, 3) for _ in range(args.repeats)],
        "skill tf.function loop": [skill_loop(xs, ys, args.epochs) for _ in range(max(5, args.repeats))],
    }
    medians = {name: statistics.median(times) for name, times in runs.items()}
    ours = medians["skill tf.function loop"]
    print(f"hello neuron, {args.epochs} epochs of 6 points, median of runs (target: skill <= 0.5 s):")
    for name, times in runs.items():
        print(f"  {name:<30} {medians[name]:7.3f} s  {medians[name] / ours:5.1f}x the skill  "
              f"runs={[round(t, 3) for t in times]}")


if __name__ == "__main__":
    main()
