"""Loading a finished run for export (skills/export_load.py): what is missing is named, and the
model reaches every converter (transfer's hub layer swapped for plain layers)."""

import numpy as np
import pytest

from skills import export
from skills.base import SkillError
from skills.export_load import load_source
from tests.node.tfjs import tfjs_predict
from tests.skills.export_helpers import artifact, validation


def tiny_run(folder, x, y):
    """A one-unit Dense model saved as a finished run (loading does not care how it was trained)."""
    from skills.training import keras

    model = keras().Sequential([keras().layers.Input((1,)), keras().layers.Dense(1)])
    folder.mkdir()
    model.save(folder / "model.keras")
    np.savez(folder / "validation.npz", x=x, y=y)
    return folder


def test_export_without_a_trained_model_asks_to_train_first(tmp_path):
    params = export.Params(source_job_id=1, model_dir=str(tmp_path / "empty"), source_skill="vision")
    with pytest.raises(SkillError, match="model.keras and validation.npz missing.*train a model first"):
        export.run(params, tmp_path / "out")


@pytest.mark.slow
def test_export_transfer_model_reaches_tfjs_as_plain_layers_and_predicts_like_keras(tmp_path):
    """TF.js cannot hold a hub KerasLayer; the export rebuilds the network from plain layers."""
    from skills import hub_module, transfer

    run_dir = tmp_path / "run"
    transfer.run(transfer.Params(epochs=2), run_dir)
    out = tmp_path / "export"
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="transfer",
                                      formats=["tfjs", "tflite"], tflite_variants=["float32"]), out)
    assert result.extras["failed"] == []
    x, _ = validation(run_dir)
    expected = hub_module.load_model(run_dir / "model.keras").predict(x[:6], verbose=0)
    np.testing.assert_allclose(tfjs_predict(artifact(result, "tfjs").path, x[:6], tmp_path),
                               expected, atol=1e-4)


def test_a_run_that_saved_no_validation_rows_cannot_be_exported(tmp_path):
    run_dir = tiny_run(tmp_path / "run", np.zeros((0, 1), np.float32), np.zeros((0,), np.float32))
    with pytest.raises(SkillError, match="saved no validation rows.*train it again"):
        load_source(run_dir, "hello_neuron")


def test_a_hello_neuron_run_loads_as_a_regressor_with_a_number_input(tmp_path):
    x, y = np.array([[0.0], [1.0]], np.float32), np.array([-1.0, 1.0], np.float32)
    source = load_source(tiny_run(tmp_path / "run", x, y), "hello_neuron")
    assert (source.skill, source.task, source.kind) == ("hello_neuron", "regression", "number")
    assert source.class_names is None and source.vocabulary is None
    np.testing.assert_array_equal(source.x, x)
    assert source.model.output_shape == (None, 1)
