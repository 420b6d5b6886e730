"""Chapters 12-19: take a finished run's model to phones, browsers and servers, and measure the cost.

- TFLite (ch. 12-14): float32, dynamic-range, float16 and full-integer int8 files. Every file is
  run with LiteRT on the run's validation rows, so the learner sees what quantization costs in
  accuracy (or MAE) next to what it saves in bytes, and gets a recommendation.
- TF.js (ch. 15-17): a layers model plus a self-contained index.html that draws or types an
  input and predicts in the browser (tf.min.js is copied beside it: no CDN).
- TF Serving (ch. 19): a SavedModel in <model_name>/<version>/, packed as a tar.gz, with a
  ready docker + curl script.
- Snippets: predict_litert.py, serving.sh and an Android MainActivity.kt, each with a real
  validation row, so they run as written.

One format or variant failing (an op a converter cannot handle) is reported in extras["failed"]
and the others are still delivered; the run fails only when nothing could be exported.
"""

import importlib
import re
import shutil
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, field_validator

from skills import export_snippets as snippets
from skills.base import ArtifactFile, FromRun, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.training import keras

NAME = "export"
CUSTOM_OBJECTS: dict = {}
ROOT = Path(__file__).resolve().parent.parent
TFJS_SCRIPT = ROOT / "web" / "node_modules" / "@tensorflow" / "tfjs" / "dist" / "tf.min.js"

Format = Literal["tflite", "tfjs", "serving"]
Variant = Literal["float32", "dynamic", "float16", "int8"]
FORMATS: tuple[Format, ...] = ("tflite", "tfjs", "serving")
VARIANTS: tuple[Variant, ...] = ("float32", "dynamic", "float16", "int8")
REGRESSION_SKILLS = {"hello_neuron", "timeseries"}
TOKEN_SKILLS = {"sentiment", "textgen"}
IMAGE_SKILLS = {"vision", "transfer"}
# A quantized file is worth recommending while it loses at most this much against Keras:
ACCURACY_TOLERANCE = 0.01  # 1 accuracy point
MAE_TOLERANCE = 0.05  # 5 % more MAE (plus 1 % of the targets' spread, for near-perfect fits)
INT8_SIZE_SLACK = 1.1  # int8 beats a file up to 10 % smaller: integer-only kernels run faster


class Params(FromRun):
    source_skill: str = Field(max_length=40)  # the skill that trained the run (a registry name)
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS), min_length=1, max_length=3)
    tflite_variants: list[Variant] = Field(default_factory=lambda: list(VARIANTS), min_length=1, max_length=4)
    model_name: str = Field(default="model", pattern=r"^[a-z][a-z0-9_]{0,39}$")
    version: int = Field(default=1, ge=1, le=9999)

    @field_validator("source_skill")
    @classmethod
    def _trains_a_model(cls, value: str) -> str:
        from skills import registry

        if value not in registry.trainers():
            raise ValueError(f"only a trained model can be exported: {', '.join(registry.trainers())}")
        return value

    @field_validator("formats", "tflite_variants")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("name each one once")
        return values


@dataclass
class Source:
    """A finished run: its model, validation rows and what kind of model it is."""
    skill: str
    model: object
    x: np.ndarray
    y: np.ndarray
    task: str  # regression | binary | multiclass
    kind: str  # image | tokens | window | number (the web page's input)
    class_names: list[str] | None
    vocabulary: list[str] | None


# ---- loading -----------------------------------------------------------------------------------

def custom_objects(skill: str) -> dict:
    """The source skill's CUSTOM_OBJECTS (transfer's hub layer needs one)."""
    return dict(getattr(importlib.import_module(f"skills.{skill}"), "CUSTOM_OBJECTS"))


def task_of(model, skill: str) -> str:
    """regression for the skills that forecast numbers; else a sigmoid unit is binary and a
    softmax layer multiclass (read from the model, so any classifier works)."""
    if skill in REGRESSION_SKILLS:
        return "regression"
    if int(model.output_shape[-1]) > 1:
        return "multiclass"
    activation = getattr(getattr(model.layers[-1], "activation", None), "__name__", "")
    return "binary" if activation == "sigmoid" else "regression"


def class_names_of(skill: str, model, vocabulary: list[str] | None) -> list[str] | None:
    from skills import vision_data

    if skill == "vision":
        fashion = tuple(model.input_shape[1:3]) == (28, 28)
        return list(vision_data.FASHION_MNIST_CLASSES if fashion else vision_data.DIGIT_CLASSES)
    if skill == "transfer":
        from skills.transfer import NEW_DIGITS
        return [str(d) for d in NEW_DIGITS]
    if skill == "sentiment":
        return ["negative", "positive"]
    if skill == "textgen":
        return vocabulary
    return None


def load_source(params: Params) -> Source:
    from skills import text_data

    folder = params.run_folder()
    missing = [name for name in ("model.keras", "validation.npz") if not (folder / name).is_file()]
    if missing:
        raise SkillError(f"Nothing to export from this {params.source_skill.replace('_', ' ')} run "
                         f"({' and '.join(missing)} missing): train a model first, then ask to export it.")
    model = keras().models.load_model(folder / "model.keras", custom_objects=custom_objects(params.source_skill),
                                      compile=False)
    if params.source_skill == "transfer":
        # TF.js has no KerasLayer: rebuild the same network from plain layers (same weights).
        # A URL-module model keeps its hub layer, and its TF.js variant reports the failure.
        from skills.transfer import plain_model

        try:
            model = plain_model(model)
        except ValueError:
            pass
    with np.load(folder / "validation.npz") as data:
        x, y = data["x"], data["y"]
    if len(x) == 0:
        raise SkillError("This run saved no validation rows, so its exports cannot be checked: train it again.")
    vocabulary = None
    if params.source_skill in TOKEN_SKILLS and (folder / "vocab.txt").is_file():
        vocabulary = text_data.load_vocabulary(folder / "vocab.txt")
    kind = ("image" if params.source_skill in IMAGE_SKILLS else
            "tokens" if params.source_skill in TOKEN_SKILLS else
            "window" if params.source_skill == "timeseries" else "number")
    return Source(params.source_skill, model, x, y, task_of(model, params.source_skill), kind,
                  class_names_of(params.source_skill, model, vocabulary), vocabulary)


# ---- scoring -----------------------------------------------------------------------------------

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
    choice = min(good, key=lambda row: (row["size_bytes"], VARIANTS.index(row["variant"])))
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
            why = f"the smallest file ({kb(choice['size_bytes'])}) with {loss_text(task, choice['loss'], choice['value'], keras_value)}"
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


def describe_error(error: Exception) -> str:
    """One readable line: converter errors carry MLIR call-site noise around an "error: ..." line."""
    text = str(error)
    reasons = re.findall(r"error: ([^\n]+)", text)
    if reasons:
        text = reasons[0]
    if not isinstance(error, SkillError):
        text = f"{type(error).__name__}: {text}"
    return text[:300]


# ---- the formats -------------------------------------------------------------------------------

def export_tflite(source: Source, params: Params, out_dir: Path, keras_predictions: np.ndarray,
                  progress: Progress, start: float, span: float):
    """Convert, run and score each requested variant; returns (rows, artifacts, failed, notes)."""
    from skills import converters

    rows, artifacts, failed, notes = [], [], [], []
    keras_value = score(source.task, keras_predictions, source.y)
    model = converters.unrolled_for_tflite(source.model)
    for i, variant in enumerate(params.tflite_variants):
        progress(start + span * i / len(params.tflite_variants), f"converting to TFLite ({variant})")
        path = out_dir / f"{params.model_name}_{variant}.tflite"
        try:
            try:
                converters.to_tflite_variant(model, path, variant, source.x)
            except Exception:
                if variant != "int8":
                    raise
                # Some ops (LSTMs) have no int8 kernel: keep them in float, quantize the rest.
                converters.to_tflite_variant(model, path, variant, source.x, strict_int8=False)
                notes.append("int8: some ops have no int8 kernel and stay in float inside the file.")
            predictions = converters.tflite_predict(path, source.x)
        except Exception as error:  # a converter or kernel failing must not cost the other files
            path.unlink(missing_ok=True)
            failed.append({"variant": f"tflite_{variant}", "error": describe_error(error)})
            continue
        value = score(source.task, predictions, source.y)
        rows.append({
            "variant": variant,
            "size_bytes": path.stat().st_size,
            "value": value,
            "loss": loss_against_keras(source.task, value, keras_value),
            "agreement": agreement(source.task, predictions, keras_predictions),
            "io": io_dtype(path),
        })
        artifacts.append(ArtifactFile("tflite", path))
    if any(row["variant"] == "int8" and row["io"] == "int8" for row in rows):
        notes.append(f"int8: inputs are clipped to the range seen in calibration ({float(source.x.min()):.4g} "
                     f"to {float(source.x.max()):.4g}, the validation rows); values outside it read as the nearest end.")
    if any(row["variant"] == "int8" for row in rows) and source.kind == "tokens":
        notes.append("int8: the input stays int32 token ids (quantizing an id makes no sense) and "
                     "the output stays float32; weights and activations inside are int8.")
    return rows, artifacts, failed, notes


def io_dtype(path: Path) -> str:
    """The dtype of a TFLite file's input tensor (int8 for a full-integer file with float input)."""
    from ai_edge_litert.interpreter import Interpreter

    (detail,) = Interpreter(model_path=str(path)).get_input_details()
    return np.dtype(detail["dtype"]).name


def export_serving(source: Source, params: Params, out_dir: Path) -> ArtifactFile:
    from skills import converters

    base = out_dir / params.model_name
    shutil.rmtree(base / str(params.version), ignore_errors=True)
    converters.to_saved_model(source.model, base / str(params.version))
    archive = out_dir / f"{params.model_name}-serving.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(base, arcname=params.model_name)
    return ArtifactFile("serving", archive)


def page_config(source: Source) -> dict:
    """What index.html needs to turn a drawing or text into the model's input and name the answer."""
    from skills import text_data

    shape = [int(d) for d in source.model.input_shape[1:]]
    titles = {"hello_neuron": "Hello neuron: y for any x", "vision": "Which digit is it?",
              "transfer": "Which digit (5-9) is it?", "sentiment": "Is this sentence positive or negative?",
              "textgen": "Which word comes next?", "timeseries": "Forecast the next value"}
    config = {
        "title": titles[source.skill], "sourceSkill": source.skill, "kind": source.kind,
        "task": source.task, "inputShape": shape,
        "dtype": "int32" if np.issubdtype(source.x.dtype, np.integer) else "float32",
        "classNames": source.class_names,
        "example": source.x[0].tolist(),
        "outputLabel": {"hello_neuron": "y", "timeseries": "next value"}.get(source.skill),
    }
    if source.kind == "image":
        config.update(margin=0.0, drawWhat="digit" if shape[:2] != [28, 28] else "piece of clothing")
        if shape[:2] == [28, 28]:
            config["title"] = "What is this piece of clothing?"
    if source.kind == "tokens":
        if source.vocabulary is None:
            raise SkillError("vocab.txt is missing beside model.keras, so the page cannot turn words into ids.")
        config.update(vocabulary=source.vocabulary, stripRegex=text_data.STRIP_REGEX, maxLength=shape[0],
                      # sentiment pads/truncates like TextVectorization (keep the first words);
                      # textgen pads in front and keeps the last words (the context).
                      padding="pre" if source.skill == "textgen" else "post")
    return config


def export_tfjs(source: Source, out_dir: Path) -> ArtifactFile:
    from skills import converters

    if not TFJS_SCRIPT.is_file():
        raise SkillError(f"{TFJS_SCRIPT} is missing (run `npm install` in web/), so the page has no TF.js to load.")
    if any(type(layer).__name__ == "KerasLayer" for layer in source.model.layers):
        raise SkillError("TF.js layers models cannot hold a TF Hub KerasLayer; use the TFLite or "
                         "TF Serving export of this model.")
    folder = out_dir / "tfjs"
    shutil.rmtree(folder, ignore_errors=True)
    model_json, shards = converters.to_tfjs(source.model, folder)
    script = folder / "tf.min.js"
    shutil.copyfile(TFJS_SCRIPT, script)
    page = folder / "index.html"
    page.write_text(snippets.tfjs_page(page_config(source)), encoding="utf-8")
    return ArtifactFile("tfjs", model_json, extra_files=[*shards, page, script])


# ---- snippets ----------------------------------------------------------------------------------

def label_of(source: Source, row: int = 0) -> str:
    target = source.y.reshape(len(source.y), -1)[row]
    if source.task == "regression":
        return f"{float(target[0]):.4g}"
    index = int(round(float(target[0]))) if target.size == 1 else int(np.argmax(target))
    names = source.class_names
    return names[index] if names and index < len(names) else str(index)


def write_snippets(source: Source, params: Params, out_dir: Path, tflite_rows: list[dict],
                   serving: bool) -> list[ArtifactFile]:
    example, label = source.x[0], label_of(source)
    delivered = [row["variant"] for row in tflite_rows]
    written = []
    if delivered:
        litert_variant = "int8" if "int8" in delivered else "float32" if "float32" in delivered else delivered[0]
        path = out_dir / "predict_litert.py"
        path.write_text(snippets.litert_script(
            f"{params.model_name}_{litert_variant}.tflite", example, label,
            snippets.describe_source(source.task, source.class_names)), encoding="utf-8")
        written.append(path)
        # Android reads and writes float (or int id) arrays: pick a file with float input.
        float_io = [row["variant"] for row in tflite_rows if row["io"] != "int8"]
        kotlin_variant = next((v for v in ("float16", "dynamic", "float32", "int8") if v in float_io), None)
        note = ""
        if kotlin_variant is None:
            kotlin_variant = delivered[0]
            note = "This int8 file takes int8 input: quantize each value as round(x / scale + zero_point)."
        path = out_dir / "MainActivity.kt"
        output_size = int(source.model.output_shape[-1])
        path.write_text(snippets.kotlin_activity(
            f"{params.model_name}_{kotlin_variant}.tflite", example, label, output_size, source.task,
            source.class_names, note), encoding="utf-8")
        written.append(path)
    if serving:
        path = out_dir / "serving.sh"
        path.write_text(snippets.serving_script(params.model_name, params.version,
                                                f"{params.model_name}-serving.tar.gz", example, label),
                        encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return [ArtifactFile("snippet", p) for p in written]


# ---- the skill ---------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    started = time.perf_counter()
    progress(0.0, "loading the trained model and its validation rows")
    source = load_source(params)
    out_dir.mkdir(parents=True, exist_ok=True)
    keras_predictions = source.model.predict(source.x, batch_size=256, verbose=0)
    keras_value = score(source.task, keras_predictions, source.y)
    metric = "mae" if source.task == "regression" else "accuracy"
    params_count = int(source.model.count_params())
    metrics: dict[str, float] = {f"keras_{metric}": keras_value, "params": params_count}
    artifacts: list[ArtifactFile] = []
    failed: list[dict] = []
    notes: list[str] = []
    rows: list[dict] = []

    # TFLite: every variant converted, run and scored
    if "tflite" in params.formats:
        rows, tflite_artifacts, tflite_failed, notes = export_tflite(
            source, params, out_dir, keras_predictions, progress, 0.05, 0.65)
        artifacts += tflite_artifacts
        failed += tflite_failed

    # TF Serving: SavedModel in <model_name>/<version>/, packed
    if "serving" in params.formats:
        progress(0.72, "saving the SavedModel for TF Serving")
        try:
            artifacts.append(export_serving(source, params, out_dir))
        except Exception as error:
            failed.append({"variant": "serving", "error": describe_error(error)})

    # TF.js: layers model + web page
    if "tfjs" in params.formats:
        progress(0.82, "converting to TF.js and writing the web page")
        try:
            artifacts.append(export_tfjs(source, out_dir))
        except Exception as error:
            failed.append({"variant": "tfjs", "error": describe_error(error)})

    if not artifacts:
        raise SkillError("Every export failed (" + ", ".join(f["variant"] for f in failed) +
                         "): " + failed[0]["error"])

    # Snippets
    progress(0.94, "writing the code snippets")
    serving_ok = any(a.kind == "serving" for a in artifacts)
    artifacts += write_snippets(source, params, out_dir, rows, serving_ok)

    # Metrics, table, recommendation
    for row in rows:
        metrics[f"size_{row['variant']}"] = row["size_bytes"]
        metrics[f"{metric}_{row['variant']}"] = row["value"]
        metrics[f"{'agreement' if metric == 'accuracy' else 'keras_gap'}_{row['variant']}"] = row["agreement"]
    sizes = {row["variant"]: row["size_bytes"] for row in rows}
    if "float32" in sizes and "int8" in sizes:
        metrics["int8_size_ratio"] = sizes["float32"] / sizes["int8"]
    metrics["export_seconds"] = time.perf_counter() - started
    table = [{"variant": row["variant"], "size_bytes": row["size_bytes"], metric: row["value"],
              "delta": row["value"] - keras_value,
              ("agreement" if metric == "accuracy" else "keras_gap"): row["agreement"],
              "io": row["io"]} for row in rows]
    recommendation = ""
    if rows:
        _, recommendation = recommend(rows, source.task, keras_value,
                                      tolerance(source.task, keras_value, source.y), params_count)
    progress(1.0, "done")
    return SkillResult(
        skill=NAME,
        metrics=metrics,
        artifacts=artifacts,
        summary=summary_text(source, params, rows, keras_value, metric, artifacts, failed, recommendation,
                             params_count),
        extras={"table": table, "recommendation": recommendation, "failed": failed, "notes": notes,
                "task": source.task, "input_shape": [int(d) for d in source.model.input_shape[1:]],
                "input_dtype": np.dtype(source.x.dtype).name},
    )


def summary_text(source: Source, params: Params, rows: list[dict], keras_value: float, metric: str,
                 artifacts: list[ArtifactFile], failed: list[dict], recommendation: str,
                 params_count: int) -> str:
    done = []
    if rows:
        done.append(f"TFLite ({len(rows)} variant{'s' if len(rows) > 1 else ''})")
    if any(a.kind == "tfjs" for a in artifacts):
        done.append("TF.js with a web page")
    if any(a.kind == "serving" for a in artifacts):
        done.append(f"TF Serving ({params.model_name}/{params.version})")
    name = source.skill.replace("_", " ")
    lines = [f"Exported your {name} model ({params_count:,} parameters) to {', '.join(done)}; "
             f"Keras {metric.replace('mae', 'MAE')} on {len(source.y)} validation rows: {keras_value:.4g}."]
    for row in rows:
        delta = row["value"] - keras_value
        shown = (f"accuracy {row['value']:.3f} ({100 * delta:+.1f} pt)" if metric == "accuracy"
                 else f"MAE {row['value']:.4g} ({delta:+.3g})")
        lines.append(f"{row['variant']:<8} {kb(row['size_bytes']):>10}  {shown}")
    if recommendation:
        lines.append(recommendation)
    if failed:
        lines.append("Could not export: " + "; ".join(f"{f['variant']} ({f['error'][:120]})" for f in failed) + ".")
    return "\n".join(lines)


SPEC = SkillSpec(name=NAME, title="model export", params=Params, run=run,
                 key_metric=("int8_size_ratio", "float32/int8 size ratio"))
