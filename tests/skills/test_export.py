"""The export skill's skeleton (skills/export.py): parameter bounds, progress, cancelling, and how
run() reports a failing variant or format, and its summary. The stages have their own files:
test_export_load, test_export_formats, test_export_score, test_export_snippets."""

import re

import pytest
from pydantic import ValidationError

from skills import export
from skills.base import SkillError

# ---- parameters and errors (fast) --------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    {"source_skill": "chess"}, {"source_job_id": 0}, {"source_job_id": "seven"},
    {"formats": []}, {"formats": ["tflite", "tflite"]}, {"formats": ["onnx"]},
    {"tflite_variants": []}, {"tflite_variants": ["int8", "int8"]}, {"tflite_variants": ["int4"]},
    {"model_name": "Model"}, {"model_name": "1model"}, {"model_name": "my-model"},
    {"model_name": "m" * 41}, {"version": 0}, {"version": 10000},
])
def test_export_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        export.Params.model_validate({"source_job_id": 1, "source_skill": "vision", **bad})


def test_export_params_default_to_every_format_and_variant_and_accept_the_edges():
    params = export.Params(source_job_id=1, source_skill="vision")
    assert params.formats == ["tflite", "tfjs", "serving"]
    assert params.tflite_variants == ["float32", "dynamic", "float16", "int8"]
    assert (params.model_name, params.version) == ("model", 1)
    export.Params(source_job_id=1, source_skill="textgen", formats=["serving"],
                  tflite_variants=["int8"], model_name="m" + "a" * 39, version=9999)


def test_export_params_never_store_the_source_folder(tmp_path):
    params = export.Params(source_job_id=3, model_dir=tmp_path, source_skill="vision")
    assert "model_dir" not in params.model_dump(mode="json")  # the worker fills it in per run


def test_export_whose_source_the_worker_could_not_find_asks_to_train_first(tmp_path):
    with pytest.raises(SkillError, match="Train it again"):
        export.run(export.Params(source_job_id=3, source_skill="vision"), tmp_path / "out")


# ---- run(): progress, failures, summary (slow) ---------------------------------------------------

@pytest.mark.slow
def test_export_reports_progress_up_to_done(neuron):
    _, _, _, reports = neuron
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("int8" in note for _, note in reports)


@pytest.mark.slow
def test_export_an_exception_from_progress_stops_the_run(neuron, tmp_path):
    _, run_dir, _, _ = neuron

    def cancel(fraction, note):
        if "TFLite" in note:
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError, match="cancelled"):
        export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron"), tmp_path,
                   cancel)
    assert not list(tmp_path.glob("*.tflite"))


@pytest.mark.slow
def test_export_a_failing_variant_is_reported_and_the_others_delivered(neuron, tmp_path, monkeypatch):
    from skills import converters

    _, run_dir, _, _ = neuron
    real = converters.to_tflite_variant

    def broken_float16(model, path, variant, *args, **kwargs):
        if variant == "float16":
            raise ValueError("float16 converter exploded")
        return real(model, path, variant, *args, **kwargs)

    monkeypatch.setattr(converters, "to_tflite_variant", broken_float16)
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron",
                                      formats=["tflite"]), tmp_path)
    assert result.extras["failed"] == [{"variant": "tflite_float16", "error": "ValueError: float16 converter exploded"}]
    assert sorted(a.path.name for a in result.artifacts if a.kind == "tflite") == [
        "model_dynamic.tflite", "model_float32.tflite", "model_int8.tflite"]
    assert "size_float16" not in result.metrics and "tflite_float16" in result.summary


@pytest.mark.slow
def test_export_fails_naming_the_variants_when_everything_fails(neuron, tmp_path, monkeypatch):
    from skills import converters

    _, run_dir, _, _ = neuron

    def broken(*args, **kwargs):
        raise RuntimeError("no converter today")

    monkeypatch.setattr(converters, "to_tflite_variant", broken)
    params = export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron", formats=["tflite"],
                           tflite_variants=["float32", "int8"])
    with pytest.raises(SkillError, match="tflite_float32, tflite_int8"):
        export.run(params, tmp_path)


@pytest.mark.slow
def test_export_cnn_summary_has_a_line_per_variant_and_the_recommendation(cnn):
    result, _, _ = cnn
    lines = result.summary.splitlines()
    for variant in ("float32", "dynamic", "float16", "int8"):
        assert any(line.startswith(variant) and f"{result.metrics[f'size_{variant}'] / 1000:.1f} kB" in line
                   for line in lines)
    assert lines[-1] == result.extras["recommendation"]
    assert re.match(r"Pick (int8|dynamic|float16|float32): ", result.extras["recommendation"])
    assert {row["variant"] for row in result.extras["table"]} == {"float32", "dynamic", "float16", "int8"}
    assert all(set(row) >= {"variant", "size_bytes", "accuracy", "delta"} for row in result.extras["table"])
