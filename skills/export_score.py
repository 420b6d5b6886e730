"""Score the export skill's TFLite files against Keras on the run's validation rows: accuracy (or
MAE) and agreement per variant, the size/quality table, and which file to recommend.

Small pure functions over numbers and row dicts ({"variant", "size_bytes", "value", "loss",
"agreement", "io"}), apart from tflite_row, which reads the file it scores.
"""

from pathlib import Path

import numpy as np

from skills.converters import TFLITE_VARIANTS
from skills.export_load import Source

# A quantized file is worth recommending while it loses at most this much against Keras:
ACCURACY_TOLERANCE = 0.01  # 1 accuracy point
MAE_TOLERANCE = 0.05  # 5 % more MAE (plus 1 % of the targets' spread, for near-perfect fits)
INT8_SIZE_SLACK = 1.1  # int8 beats a file up to 10 % smaller: integer-only kernels run faster


def score(task: str, predictions: np.ndarray, y: np.ndarray) -> float:
    """Accuracy for classifiers, mean absolute error for regressors."""
    predictions = predictions.reshape(len(y), -1)
    if task == "regression":
        return float(np.mean(np.abs(predictions[:, 0] - y.reshape(-1))))
    return float(np.mean(predicted_classes(task, predictions) == y.reshape(-1).astype(int)))


def predicted_classes(task: str, predictions: np.ndarray) -> np.ndarray:
    predictions = predictions.reshape(len(predictions), -1)
    return (predictions[:, 0] > 0.5).astype(int) if task == "binary" else predictions.argmax(axis=1)


def agreement(task: str, predictions: np.ndarray, reference: np.ndarray) -> float:
    """Classifiers: share of rows with the same predicted class as Keras. Regressors: mean
    absolute difference from Keras's numbers."""
    predictions, reference = predictions.reshape(len(reference), -1), reference.reshape(len(reference), -1)
    if task == "regression":
        return float(np.mean(np.abs(predictions - reference)))
    return float(np.mean(predicted_classes(task, predictions) == predicted_classes(task, reference)))


def loss_against_keras(task: str, value: float, keras_value: float) -> float:
    """How much worse than Keras (accuracy points lost, or MAE gained); negative is better."""
    return keras_value - value if task != "regression" else value - keras_value


def tolerance(task: str, keras_value: float, y: np.ndarray) -> float:
    if task != "regression":
        return ACCURACY_TOLERANCE
    return MAE_TOLERANCE * keras_value + 0.01 * float(np.std(y))


def io_dtype(path: Path) -> str:
    """The dtype of a TFLite file's input tensor (int8 for a full-integer file with float input)."""
    from ai_edge_litert.interpreter import Interpreter

    (detail,) = Interpreter(model_path=str(path)).get_input_details()
    return np.dtype(detail["dtype"]).name


def tflite_row(source: Source, variant: str, path: Path, predictions: np.ndarray,
               keras_predictions: np.ndarray) -> dict:
    """One variant's row of the table: its file's size, its score on the validation rows, how much
    it loses against Keras and how often it agrees with Keras."""
    keras_value = score(source.task, keras_predictions, source.y)
    value = score(source.task, predictions, source.y)
    return {
        "variant": variant,
        "size_bytes": path.stat().st_size,
        "value": value,
        "loss": loss_against_keras(source.task, value, keras_value),
        "agreement": agreement(source.task, predictions, keras_predictions),
        "io": io_dtype(path),
    }


def metrics_of(rows: list[dict], metric: str) -> dict[str, float]:
    """size_<variant>, <metric>_<variant> and agreement_ (or keras_gap_) per row, and the
    float32/int8 size ratio when both were made."""
    metrics: dict[str, float] = {}
    for row in rows:
        metrics[f"size_{row['variant']}"] = row["size_bytes"]
        metrics[f"{metric}_{row['variant']}"] = row["value"]
        metrics[f"{'agreement' if metric == 'accuracy' else 'keras_gap'}_{row['variant']}"] = row["agreement"]
    sizes = {row["variant"]: row["size_bytes"] for row in rows}
    if "float32" in sizes and "int8" in sizes:
        metrics["int8_size_ratio"] = sizes["float32"] / sizes["int8"]
    return metrics


def table_of(rows: list[dict], metric: str, keras_value: float) -> list[dict]:
    """The chat's size/quality table: one dict per variant."""
    return [{"variant": row["variant"], "size_bytes": row["size_bytes"], metric: row["value"],
             "delta": row["value"] - keras_value,
             ("agreement" if metric == "accuracy" else "keras_gap"): row["agreement"],
             "io": row["io"]} for row in rows]


def kb(size: int) -> str:
    return f"{size / 1000:.1f} kB"


def loss_text(task: str, loss: float, value: float, keras_value: float) -> str:
    if task == "regression":
        return f"MAE {value:.4g} vs {keras_value:.4g} in Keras"
    if abs(loss) < 0.0005:
        return "no accuracy lost"
    return f"{100 * abs(loss):.1f} pt accuracy {'lost' if loss > 0 else 'gained'}"


def recommend(rows: list[dict], task: str, keras_value: float, allowed: float, params_count: int) -> tuple[str, str]:
    """(variant, sentence): the smallest file whose quality stays within `allowed` of Keras."""
    sizes = {row["variant"]: row["size_bytes"] for row in rows}
    good = [row for row in rows if row["loss"] <= allowed]
    if not good:
        best = min(rows, key=lambda row: row["loss"])
        return best["variant"], (
            f"Pick {best['variant']}: every file loses more than the tolerance against Keras, and it "
            f"loses least ({loss_text(task, best['loss'], best['value'], keras_value)}).")
    choice = min(good, key=lambda row: (row["size_bytes"], TFLITE_VARIANTS.index(row["variant"])))
    int8_good = next((row for row in good if row["variant"] == "int8"), None)
    if int8_good and int8_good["size_bytes"] <= INT8_SIZE_SLACK * choice["size_bytes"]:
        choice = int8_good  # about as small, and integer-only kernels run faster on phones and NPUs
    name = choice["variant"]
    if name == "float32" or "float32" not in sizes:
        quantized_lose = [row for row in rows if row["variant"] != "float32" and row["loss"] > allowed]
        if name == "float32" and quantized_lose and len(quantized_lose) == len(rows) - 1:
            why = "every quantized file loses too much (" + ", ".join(
                f"{row['variant']}: {loss_text(task, row['loss'], row['value'], keras_value)}"
                for row in quantized_lose) + ")"
        elif name == "float32":
            why = (f"with only {params_count:,} parameters quantizing saves nothing "
                   f"(float32 is already {kb(choice['size_bytes'])})")
        else:
            why = (f"the smallest file ({kb(choice['size_bytes'])}) with "
                   f"{loss_text(task, choice['loss'], choice['value'], keras_value)}")
        return name, f"Pick {name}: {why}."
    ratio = sizes["float32"] / choice["size_bytes"]
    sentence = (f"Pick {name}: {ratio:.1f}x smaller than float32 ({kb(choice['size_bytes'])} instead of "
                f"{kb(sizes['float32'])}) with {loss_text(task, choice['loss'], choice['value'], keras_value)}")
    int8 = next((row for row in rows if row["variant"] == "int8"), None)
    if name != "int8" and int8 is not None and int8["loss"] > allowed:
        sentence += f"; int8 would lose too much ({loss_text(task, int8['loss'], int8['value'], keras_value)})"
    if name == "int8":
        sentence += "; its input and output are int8 too, ready for microcontrollers" if int8_has_int8_io(rows) else ""
    return name, sentence + "."


def int8_has_int8_io(rows: list[dict]) -> bool:
    int8 = next((row for row in rows if row["variant"] == "int8"), None)
    return bool(int8 and int8.get("io") == "int8")
