"""The hello-neuron skill: parameter bounds (fast), learning and exports (slow: real TensorFlow)."""

import numpy as np
import pytest
from pydantic import ValidationError

from skills import hello_neuron as neuron
from skills.base import SkillError
from tests.node.tfjs import tfjs_predict


@pytest.mark.parametrize("bad", [
    {"epochs": 0}, {"epochs": 5001}, {"epochs": -5},
    {"learning_rate": 0}, {"learning_rate": -0.1}, {"learning_rate": 1.5},
    {"points": [(i, i) for i in range(101)]}, {"points": [(1, 2)]},
    {"points": [(1, 2), (1, 3)]}, {"points": [(1, 2), (2, 5000)]},
    {"rule": {"weight": 2000, "bias": 0}},
])
def test_hello_neuron_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        neuron.Params.model_validate(bad)


def test_hello_neuron_params_accept_the_edges_of_the_bounds():
    neuron.Params(epochs=1, learning_rate=1.0)
    neuron.Params(epochs=5000, learning_rate=1e-6, points=[(i, 2 * i) for i in range(100)])


def test_hello_neuron_default_data_is_the_books_line():
    xs, ys = neuron.Params().data()
    assert xs.ravel().tolist() == [-1, 0, 1, 2, 3, 4]
    assert ys.ravel().tolist() == [-3, -1, 1, 3, 5, 7]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("neuron")
    reports = []
    result = neuron.run(neuron.Params(), out, lambda f, note: reports.append((f, note)))
    return result, out, reports


@pytest.mark.slow
def test_hello_neuron_learns_weight_2_and_bias_minus_1_with_defaults(default_run):
    result, _, _ = default_run
    assert result.metrics["weight"] == pytest.approx(2.0, abs=0.1)
    assert result.metrics["bias"] == pytest.approx(-1.0, abs=0.1)
    assert result.metrics["prediction_x10"] == pytest.approx(19.0, abs=0.5)


@pytest.mark.slow
def test_hello_neuron_reports_progress_up_to_done(default_run):
    _, _, reports = default_run
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert "epoch 500/500" in reports[-1][1]


@pytest.mark.slow
def test_hello_neuron_loss_goes_down_and_is_plotted(default_run):
    result, out, _ = default_run
    assert result.metrics["final_loss"] < 1e-3
    plot = next(a.path for a in result.artifacts if a.kind == "plot")
    assert plot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_hello_neuron_tflite_export_predicts_like_keras(default_run):
    from skills.converters import run_tflite

    result, _, _ = default_run
    tflite = next(a.path for a in result.artifacts if a.kind == "tflite")
    xs = np.array([[-3.0], [0.0], [10.0], [42.5]])
    expected = result.metrics["weight"] * xs + result.metrics["bias"]
    assert np.allclose(run_tflite(tflite, xs), expected, atol=1e-3)


@pytest.mark.slow
def test_hello_neuron_tfjs_export_loads_in_node_and_predicts_like_keras(default_run, tmp_path):
    result, _, _ = default_run
    tfjs = next(a for a in result.artifacts if a.kind == "tfjs")
    assert [p.name for p in tfjs.extra_files] == ["group1-shard1of1.bin"]
    xs = [-3.0, 0.0, 10.0, 42.5]
    predictions = tfjs_predict(tfjs.path, np.array(xs, np.float32).reshape(-1, 1), tmp_path).ravel()
    expected = [result.metrics["weight"] * x + result.metrics["bias"] for x in xs]
    assert np.allclose(predictions, expected, atol=1e-3)


@pytest.mark.slow
def test_hello_neuron_learns_a_learners_rule_and_points(tmp_path):
    rule = neuron.run(neuron.Params(rule={"weight": 3, "bias": 1}, epochs=2000), tmp_path / "rule")
    assert rule.metrics["weight"] == pytest.approx(3.0, abs=0.1)
    assert rule.metrics["bias"] == pytest.approx(1.0, abs=0.1)
    points = neuron.run(
        neuron.Params(points=[(0, 1), (1, 3), (2, 5), (3, 7)], epochs=2000, learning_rate=0.05),
        tmp_path / "points",
    )
    assert points.metrics["weight"] == pytest.approx(2.0, abs=0.1)
    assert points.metrics["bias"] == pytest.approx(1.0, abs=0.1)


@pytest.mark.slow
def test_hello_neuron_too_big_learning_rate_fails_with_advice(tmp_path):
    with pytest.raises(SkillError, match="learning rate 1 is too big"):
        neuron.run(neuron.Params(learning_rate=1.0), tmp_path)


@pytest.mark.slow
def test_hello_neuron_reports_every_metric_its_spec_declares(default_run):
    result = default_run[0]
    assert result.skill == neuron.SPEC.name
    assert set(neuron.SPEC.metrics) <= set(result.metrics)
