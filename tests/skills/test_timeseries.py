"""The time-series skill: bounds, the series and baselines (fast), training and artifacts (slow),
and the sunspots loader on the bundled fixture in the real file's format."""

import functools
import http.server
import json
import math
import os
import runpy
import subprocess
import threading

import numpy as np
import pytest
from pydantic import ValidationError

from skills import timeseries as ts
from skills import timeseries_data
from skills.base import SkillError
from tests.conftest import ROOT

DATA = ROOT / "data" / "timeseries"
FIXTURE = DATA / "sunspots_sample.csv"


# ---------------------------------------------------------------- params

@pytest.mark.parametrize("bad", [
    {"length": 99}, {"length": 5001}, {"baseline": 1001}, {"slope": -1.5}, {"period": 1},
    {"period": 2001}, {"amplitude": -1}, {"amplitude": 501}, {"noise_level": -0.1},
    {"noise_level": 101}, {"split_time": 9}, {"split_time": 5000}, {"moving_average_window": 1},
    {"window_size": 1}, {"window_size": 201}, {"epochs": 0}, {"epochs": 201}, {"batch_size": 0},
    {"batch_size": 257}, {"learning_rate": 0}, {"learning_rate": 0.2}, {"seed": -1},
    {"models": []}, {"models": ["dense", "gru"]}, {"models": ["dense", "dense"]},
    {"models": ["dense", "conv1d", "lstm", "dense"]},
])
def test_timeseries_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        ts.Params.model_validate(bad)


def test_timeseries_params_default_to_the_books_series():
    p = ts.Params()
    assert (p.length, p.baseline, p.slope, p.period, p.amplitude, p.noise_level, p.split_time) == (
        1461, 10.0, 0.05, 365, 40.0, 5.0, 1000)
    assert p.window_size == 20 and p.moving_average_window == 30
    assert p.models == ["dense", "conv1d", "lstm"]


# ---------------------------------------------------------------- series and baselines

def test_timeseries_series_is_baseline_plus_its_parts_and_repeats_with_its_seed():
    params = ts.Params(length=800, noise_level=3.0, seed=7)
    time_steps, parts, series = ts.synthetic_series(params)
    assert series.shape == (800,) and series.dtype == np.float32
    assert np.allclose(series, 10.0 + parts["trend"] + parts["seasonality"] + parts["noise"], atol=1e-4)
    assert parts["trend"][100] == pytest.approx(0.05 * 100)
    assert np.allclose(parts["seasonality"][:365], parts["seasonality"][365:730], atol=1e-4)
    assert parts["noise"].std() == pytest.approx(3.0, rel=0.1)
    assert np.array_equal(series, ts.synthetic_series(params)[2])
    assert not np.array_equal(series, ts.synthetic_series(params.model_copy(update={"seed": 8}))[2])


def test_timeseries_moving_average_forecast_is_the_mean_of_the_previous_window():
    series = np.random.RandomState(0).randn(50).astype("float32")
    forecast = ts.moving_average_forecast(series, 5)
    assert forecast.shape == (45,)
    assert forecast[0] == pytest.approx(series[:5].mean(), abs=1e-5)  # forecasts series[5]
    assert forecast[-1] == pytest.approx(series[44:49].mean(), abs=1e-5)  # forecasts series[49]


def test_timeseries_seasonal_baseline_covers_the_validation_period_or_is_skipped():
    _, _, series = ts.synthetic_series(ts.Params())
    seasonal = ts.seasonal_baseline(series, 1000, 365)
    assert seasonal.shape == (461,)
    assert ts.mae(series[1000:], seasonal) < ts.mae(series[1000:], series[999:-1])
    assert ts.seasonal_baseline(series, 400, 365) is None  # not a season + 50 steps of training


def test_timeseries_windowed_dataset_pairs_each_window_with_its_next_value():
    series = np.arange(30, dtype="float32")
    batches = list(ts.windowed_dataset(series, 5, 4, 100, seed=0).as_numpy_iterator())
    windows = np.concatenate([x for x, _ in batches])
    labels = np.concatenate([y for _, y in batches])
    assert windows.shape == (25, 5)
    assert np.array_equal(labels, windows[:, -1] + 1)
    assert np.array_equal(np.sort(labels), np.arange(5, 30))
    assert not np.array_equal(labels, np.arange(5, 30))  # shuffled


def test_timeseries_forecast_windows_are_the_ordered_windows_before_each_point():
    windows = ts.forecast_windows(np.arange(10, dtype="float32"), 3)
    assert windows.tolist()[0] == [0, 1, 2] and windows.tolist()[-1] == [7, 8, 9]
    assert windows.shape == (8, 3)


def test_timeseries_conv1d_padding_computes_what_keras_causal_padding_does():
    from skills.training import keras

    k = keras()
    window = np.random.RandomState(0).randn(3, 12).astype("float32")
    spelled_out = k.Sequential([k.layers.Input((12,)), *ts.causal_padding(12, 2),
                                k.layers.Conv1D(4, 3, padding="valid")])
    causal = k.Sequential([k.layers.Input((12,)), k.layers.Reshape((12, 1)),
                           k.layers.Conv1D(4, 3, padding="causal")])
    causal.set_weights(spelled_out.get_weights())
    assert np.allclose(spelled_out(window).numpy(), causal(window).numpy(), atol=1e-6)


@pytest.mark.slow
def test_timeseries_every_model_exports_to_tflite_and_tfjs_and_predicts_like_keras(tmp_path):
    """The export job converts whichever model wins; TF.js lacks causal padding and TFLite a
    looped LSTM with a free batch size, so each architecture is checked here."""
    from skills.converters import run_tflite, to_tfjs, to_tflite

    windows = np.random.RandomState(0).randn(3, 20).astype("float32") * 20 + 40
    for name in ts.MODEL_NAMES:
        model = ts.build_model(name, 20, 40.0, 20.0)
        expected = model.predict(windows, verbose=0).reshape(-1)
        tflite = run_tflite(to_tflite(model, tmp_path / f"{name}.tflite"), windows).reshape(-1)
        assert np.allclose(tflite, expected, atol=1e-3), name
        model_json, _ = to_tfjs(model, tmp_path / name)
        out = subprocess.run(
            ["node", "-e", TFJS_PREDICT, str(model_json.parent), json.dumps(windows.tolist())],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "NODE_PATH": str(ROOT / "web/node_modules")})
        assert out.returncode == 0, out.stderr[-800:]
        predictions = json.loads(out.stdout.strip().splitlines()[-1])
        assert np.allclose(predictions, expected, atol=1e-3), name


# Load a TF.js layers model from disk (model.json + shards) and predict a batch of windows.
TFJS_PREDICT = """
const fs = require("fs"), path = require("path"), tf = require("@tensorflow/tfjs");
(async () => {
  const [dir, rows] = process.argv.slice(1);
  const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const joined = Buffer.concat(json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => fs.readFileSync(path.join(dir, p)))));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: specs,
    weightData: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)}));
  console.log(JSON.stringify(Array.from(await model.predict(tf.tensor2d(JSON.parse(rows))).data())));
})().catch((err) => { console.error(err); process.exit(1); });
"""


@pytest.mark.parametrize("settings, message", [
    ({"length": 1050, "window_size": 60},
     "The validation period has 50 points (length 1050 - split_time 1000), fewer than "
     "window_size (60). Use window_size 50 or less, or length 1060 or more."),
    ({"split_time": 1461}, "split_time (1461) must be less than length (1461)"),
    ({"split_time": 150, "window_size": 60},
     "holds 90 windows of window_size 60; it needs at least 100. Use split_time 160 or more, "
     "or window_size 50 or less."),
    ({"split_time": 200, "moving_average_window": 300},
     "moving_average_window (300) is longer than the training period (split_time 200). "
     "Use moving_average_window 200 or less."),
])
def test_timeseries_settings_that_do_not_fit_fail_with_the_exact_limit(tmp_path, settings, message):
    with pytest.raises(SkillError) as error:
        ts.run(ts.Params(**settings), tmp_path)
    assert message in str(error.value)
    assert not (tmp_path / "model.keras").exists()


# ---------------------------------------------------------------- training (slow)

@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("timeseries")
    reports = []
    result = ts.run(ts.Params(), out, lambda f, note: reports.append((f, note)))
    return result, out, reports


@pytest.mark.slow
def test_timeseries_best_model_beats_the_naive_forecast_with_defaults(default_run):
    result, _, _ = default_run
    m = result.metrics
    assert m["mae"] < m["naive_mae"]
    assert m["mae"] == min(m["mae_dense"], m["mae_conv1d"], m["mae_lstm"])
    assert m["mae"] < 5.5 and 5.0 < m["naive_mae"] < 6.5  # noise 5: one-step MAE >= ~4
    assert m["moving_average_mae"] > m["naive_mae"]  # the book: a moving average lags the trend
    assert m["diff_moving_average_mae"] < m["naive_mae"]


@pytest.mark.slow
def test_timeseries_result_is_json_safe_and_its_table_is_sorted_by_mae(default_run):
    result, _, _ = default_run
    json.dumps({"metrics": result.metrics, "extras": result.extras}, allow_nan=False)
    assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in result.metrics.values())
    table = result.extras["table"]
    assert [row["mae"] for row in table] == sorted(row["mae"] for row in table)
    assert {row["model"]: row["kind"] for row in table} == {
        "naive": "baseline", "moving_average": "baseline", "diff_moving_average": "baseline",
        "dense": "model", "conv1d": "model", "lstm": "model"}
    best = result.extras["best_model"]
    assert result.metrics[f"mae_{best}"] == result.metrics["mae"]


@pytest.mark.slow
def test_timeseries_summary_names_the_best_model_and_its_mae_against_naive(default_run):
    result, _, _ = default_run
    assert ts.MODEL_LABELS[result.extras["best_model"]] in result.summary
    assert f"MAE {result.metrics['mae']:.2f}" in result.summary
    assert f"{result.metrics['naive_mae']:.2f} for the naive forecast" in result.summary


@pytest.mark.slow
def test_timeseries_saved_model_reproduces_the_best_mae_on_validation_npz(default_run):
    from skills.training import keras

    result, out, _ = default_run
    kinds = {a.kind: a.path for a in result.artifacts}
    assert kinds["model"] == out / "model.keras" and kinds["validation-data"] == out / "validation.npz"
    data = np.load(kinds["validation-data"])
    assert data["x"].shape == (461, 20) and data["y"].shape == (461,)
    series = ts.synthetic_series(ts.Params())[2]
    assert np.array_equal(data["x"][0], series[980:1000])  # windows from the real series
    assert data["x"][1][-1] == data["y"][0]  # each window ends just before its target
    model = keras().models.load_model(kinds["model"], custom_objects=ts.SPEC.custom_objects())
    predictions = model.predict(data["x"], verbose=0).reshape(-1)
    assert ts.mae(data["y"], predictions) == pytest.approx(result.metrics["mae"], abs=1e-3)


@pytest.mark.slow
def test_timeseries_plots_are_pngs(default_run):
    result, _, _ = default_run
    plots = [a.path for a in result.artifacts if a.kind == "plot"]
    assert [p.name for p in plots] == ["forecast.png", "series.png", "validation_mae.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in plots)


@pytest.mark.slow
def test_timeseries_reports_every_epoch_of_every_model_up_to_done(default_run):
    _, _, reports = default_run
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    notes = [note for _, note in reports]
    for label in ts.MODEL_LABELS.values():
        assert sum(note.startswith(f"{label}: epoch") for note in notes) == 30
        assert f"{label}: epoch 30/30" in " ".join(notes)


@pytest.mark.slow
def test_timeseries_trains_only_the_chosen_models(tmp_path):
    result = ts.run(ts.Params(models=["dense"], epochs=3), tmp_path)
    assert "mae_dense" in result.metrics
    assert "mae_conv1d" not in result.metrics and "mae_lstm" not in result.metrics
    assert result.extras["best_model"] == "dense"
    assert [r["model"] for r in result.extras["table"] if r["kind"] == "model"] == ["dense"]


@pytest.mark.slow
def test_timeseries_an_exception_from_progress_stops_the_run(tmp_path):
    class Cancelled(Exception):
        pass

    def cancel_at_first_epoch(fraction, note):
        if "epoch" in note:
            raise Cancelled(note)

    with pytest.raises(Cancelled, match="epoch 1/50"):
        ts.run(ts.Params(models=["lstm"], epochs=50), tmp_path, cancel_at_first_epoch)
    assert not (tmp_path / "model.keras").exists()


# ---------------------------------------------------------------- the sunspots loader

def test_timeseries_sunspots_loader_reads_the_bundled_file_in_the_real_format():
    loaded = timeseries_data.load_sunspots_csv(FIXTURE)
    assert len(loaded.values) == 48 and loaded.values.dtype == np.float32
    assert loaded.time.tolist() == list(range(48))
    assert loaded.dates[0] == "1749-01-31" and loaded.dates[1] == "1749-02-28"
    assert loaded.values[0] == pytest.approx(166.5)
    assert FIXTURE.read_text().splitlines()[0] == ",Date,Monthly Mean Total Sunspot Number"


def test_timeseries_sunspots_loader_reads_a_url(tmp_path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DATA))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{FIXTURE.name}"
        loaded = timeseries_data.load_sunspots_csv(url)
    finally:
        server.shutdown()
        server.server_close()
    assert np.array_equal(loaded.values, timeseries_data.load_sunspots_csv(FIXTURE).values)


def test_timeseries_sunspots_loader_names_the_bad_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",Date,Monthly Mean Total Sunspot Number\n0,1749-01-31,96.7\n1,1749-02-28,lots\n")
    with pytest.raises(SkillError, match="line 3: expected index,date,value"):
        timeseries_data.load_sunspots_csv(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text(",Date,Monthly Mean Total Sunspot Number\n")
    with pytest.raises(SkillError, match="no rows"):
        timeseries_data.load_sunspots_csv(empty)


def test_timeseries_sunspots_fixture_regenerates_byte_for_byte(tmp_path):
    generator = runpy.run_path(str(DATA / "make_sunspots_sample.py"))
    written = generator["write_sample"](tmp_path / "sample.csv")
    assert written.read_bytes() == FIXTURE.read_bytes()


@pytest.mark.slow
def test_timeseries_reports_every_metric_its_spec_declares(default_run):
    result = default_run[0]
    assert result.skill == ts.SPEC.name
    assert set(ts.SPEC.metrics) <= set(result.metrics)
