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

This module is the skill's skeleton (load -> convert and score -> snippets -> report); the stages
live beside it: export_load (the run), export_formats (the files), export_score (the table and
the recommendation), export_snippets with skills/templates/ (the snippet texts) and converters.
"""

import time
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from skills import export_formats
from skills.base import ArtifactFile, FromRun, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.converters import TFLITE_VARIANTS, TFLiteVariant
from skills.export_load import Source, load_source
from skills.export_score import kb, metrics_of, recommend, score, table_of, tolerance

NAME = "export"

Format = Literal["tflite", "tfjs", "serving"]
FORMATS: tuple[Format, ...] = ("tflite", "tfjs", "serving")


class Params(FromRun):
    source_skill: str = Field(max_length=40)  # the skill that trained the run (a registry name)
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS), min_length=1, max_length=3)
    tflite_variants: list[TFLiteVariant] = Field(default_factory=lambda: list(TFLITE_VARIANTS), min_length=1,
                                             max_length=len(TFLITE_VARIANTS))
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


def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    started = time.perf_counter()
    progress(0.0, "loading the trained model and its validation rows")
    source = load_source(params.run_folder(), params.source_skill)
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
        rows, tflite_artifacts, tflite_failed, notes = export_formats.write_tflite(
            source, params.tflite_variants, params.model_name, out_dir, keras_predictions, progress, 0.05, 0.65)
        artifacts += tflite_artifacts
        failed += tflite_failed

    # TF Serving: SavedModel in <model_name>/<version>/, packed
    if "serving" in params.formats:
        progress(0.72, "saving the SavedModel for TF Serving")
        try:
            artifacts.append(export_formats.write_serving(source, params.model_name, params.version, out_dir))
        except Exception as error:
            failed.append({"variant": "serving", "error": export_formats.describe_error(error)})

    # TF.js: layers model + web page
    if "tfjs" in params.formats:
        progress(0.82, "converting to TF.js and writing the web page")
        try:
            artifacts += export_formats.write_tfjs(source, out_dir)
        except Exception as error:
            failed.append({"variant": "tfjs", "error": export_formats.describe_error(error)})

    if not artifacts:
        raise SkillError("Every export failed (" + ", ".join(f["variant"] for f in failed) +
                         "): " + failed[0]["error"])

    # The recommendation, which the text, the table and predict_litert.py all name
    recommended, recommendation = None, ""
    if rows:
        recommended, recommendation = recommend(rows, source.task, keras_value,
                                                tolerance(source.task, keras_value, source.y), params_count)

    # Snippets
    progress(0.94, "writing the code snippets")
    serving_ok = any(a.kind == "serving" for a in artifacts)
    artifacts += export_formats.write_snippets(source, params.model_name, params.version, out_dir, rows,
                                               serving_ok, recommended)

    # Metrics, table
    metrics.update(metrics_of(rows, metric))
    metrics["export_seconds"] = time.perf_counter() - started
    table = table_of(rows, metric, keras_value)
    progress(1.0, "done")
    return SkillResult(
        skill=NAME,
        metrics=metrics,
        artifacts=artifacts,
        summary=summary_text(source, params, rows, keras_value, metric, artifacts, failed, recommendation,
                             params_count),
        extras={"table": table, "recommendation": recommendation, "recommended": recommended,
                "failed": failed, "notes": notes,
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
        done.append("TF.js (a web page, index.html, and the whole folder as a zip)")
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
