"""Write the export skill's files: the TFLite variants (each run on the validation rows), the
TF.js folder (layers model, index.html, tf.min.js), the TF Serving SavedModel packed as a tar.gz,
and the snippets that go with them.

A writer that fails raises; the caller reports it and keeps the other formats. Within TFLite,
one variant failing costs only that variant.
"""

import re
import shutil
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from skills import converters
from skills import export_snippets as snippets
from skills.base import ArtifactFile, Progress, SkillError
from skills.export_load import Source
from skills.export_score import tflite_row

ROOT = Path(__file__).resolve().parent.parent
# The one place the TF.js page's tf.min.js is read from. The web build (`npm run build`: `make web`
# for make run/test, the Dockerfile's node stage for the image) copies it here from
# @tensorflow/tfjs; tests/tutor/test_compose.py checks the image puts it at this path.
TFJS_SCRIPT = ROOT / "web" / "dist" / "tfjs" / "tf.min.js"
# Android reads and writes float (or int id) arrays: the sketch takes the first of these with
# float input (a full-integer int8 file only when nothing else was made).
ANDROID_VARIANT_ORDER = ("float16", "dynamic", "float32", "int8")


def describe_error(error: Exception) -> str:
    """One readable line: converter errors carry MLIR call-site noise around an "error: ..." line."""
    text = str(error)
    reasons = re.findall(r"error: ([^\n]+)", text)
    if reasons:
        text = reasons[0]
    if not isinstance(error, SkillError):
        text = f"{type(error).__name__}: {text}"
    return text[:300]


# ---- TFLite ------------------------------------------------------------------------------------

def write_tflite(source: Source, variants: Sequence[str], model_name: str, out_dir: Path,
                 keras_predictions: np.ndarray, progress: Progress, start: float,
                 span: float) -> tuple[list[dict], list[ArtifactFile], list[dict], list[str]]:
    """Convert, run and score each requested variant; returns (rows, artifacts, failed, notes)."""
    rows: list[dict] = []
    artifacts: list[ArtifactFile] = []
    failed: list[dict] = []
    notes: list[str] = []
    model = converters.unrolled_for_tflite(source.model)
    for i, variant in enumerate(variants):
        progress(start + span * i / len(variants), f"converting to TFLite ({variant})")
        path = out_dir / f"{model_name}_{variant}.tflite"
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
        rows.append(tflite_row(source, variant, path, predictions, keras_predictions))
        artifacts.append(ArtifactFile("tflite", path))
    if any(row["variant"] == "int8" and row["io"] == "int8" for row in rows):
        notes.append(f"int8: inputs are clipped to the range seen in calibration ({float(source.x.min()):.4g} "
                     f"to {float(source.x.max()):.4g}, the validation rows); values outside it read as the "
                     "nearest end.")
    if any(row["variant"] == "int8" for row in rows) and source.kind == "tokens":
        notes.append("int8: the input stays int32 token ids (quantizing an id makes no sense) and "
                     "the output stays float32; weights and activations inside are int8.")
    return rows, artifacts, failed, notes


# ---- TF Serving --------------------------------------------------------------------------------

def write_serving(source: Source, model_name: str, version: int, out_dir: Path) -> ArtifactFile:
    """<model_name>/<version>/ SavedModel, packed as <model_name>-serving.tar.gz."""
    base = out_dir / model_name
    shutil.rmtree(base / str(version), ignore_errors=True)
    converters.to_saved_model(source.model, base / str(version))
    archive = out_dir / f"{model_name}-serving.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(base, arcname=model_name)
    return ArtifactFile("serving", archive)


# ---- TF.js -------------------------------------------------------------------------------------

def page_config(source: Source) -> dict:
    """What index.html needs to turn a drawing or text into the model's input and name the answer."""
    from skills import text_data

    shape = [int(d) for d in source.model.input_shape[1:]]
    config = {
        "title": source.spec.page_title, "sourceSkill": source.skill, "kind": source.kind,
        "task": source.task, "inputShape": shape,
        "dtype": "int32" if np.issubdtype(source.x.dtype, np.integer) else "float32",
        "classNames": source.class_names,
        "example": source.x[0].tolist(),
        "outputLabel": source.spec.output_label,
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
                      padding=source.spec.padding)
    return config


def write_tfjs(source: Source, out_dir: Path) -> list[ArtifactFile]:
    """tfjs/: model.json and its shards, index.html and a copy of tf.min.js (no CDN), and the
    whole folder as one zip. Three artifacts, so each download card is sized by what it brings:
    the page (index.html and tf.min.js; it loads the model beside it), the zip, and the model
    files the page loads (listed so they are served, but no card of their own)."""
    if not TFJS_SCRIPT.is_file():
        raise SkillError(f"No TF.js page: {TFJS_SCRIPT} is missing (the web build copies it there; run `make web`).")
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
    archive = out_dir / f"{source.skill}_tfjs.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"tfjs/{path.name}")
    return [ArtifactFile("tfjs", model_json, extra_files=shards),
            ArtifactFile("tfjs-page", page, extra_files=[script]),
            ArtifactFile("tfjs-zip", archive)]


# ---- snippets ----------------------------------------------------------------------------------

def label_of(source: Source, row: int = 0) -> str:
    target = source.y.reshape(len(source.y), -1)[row]
    if source.task == "regression":
        return f"{float(target[0]):.4g}"
    index = int(round(float(target[0]))) if target.size == 1 else int(np.argmax(target))
    names = source.class_names
    return names[index] if names and index < len(names) else str(index)


def write_snippets(source: Source, model_name: str, version: int, out_dir: Path, tflite_rows: list[dict],
                   serving: bool, recommended: str | None = None) -> list[ArtifactFile]:
    """predict_litert.py (for the recommended TFLite file, the one the text and table name) and
    MainActivity.kt for the delivered TFLite files, serving.sh for the SavedModel; each with the
    first validation row."""
    example, label = source.x[0], label_of(source)
    delivered = [row["variant"] for row in tflite_rows]
    written = []
    if delivered:
        litert_variant = (recommended if recommended in delivered else
                          "float32" if "float32" in delivered else delivered[0])
        path = out_dir / "predict_litert.py"
        path.write_text(snippets.litert_script(
            f"{model_name}_{litert_variant}.tflite", example, label,
            snippets.describe_source(source.task, source.class_names)), encoding="utf-8")
        written.append(path)
        float_io = [row["variant"] for row in tflite_rows if row["io"] != "int8"]
        kotlin_variant = next((v for v in ANDROID_VARIANT_ORDER if v in float_io), None)
        note = ""
        if kotlin_variant is None:
            kotlin_variant = delivered[0]
            note = "This int8 file takes int8 input: quantize each value as round(x / scale + zero_point)."
        path = out_dir / "MainActivity.kt"
        output_size = int(source.model.output_shape[-1])
        path.write_text(snippets.kotlin_activity(
            f"{model_name}_{kotlin_variant}.tflite", example, label, output_size, source.task,
            source.class_names, note), encoding="utf-8")
        written.append(path)
    if serving:
        path = out_dir / "serving.sh"
        path.write_text(snippets.serving_script(model_name, version, f"{model_name}-serving.tar.gz", example,
                                                label), encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return [ArtifactFile("snippet", p) for p in written]
