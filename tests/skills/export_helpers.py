"""Helpers for the export tests: find a result's files, reload the source run, run the page's
script library in Node and the LiteRT snippet in Python, check a SavedModel against Keras."""

import json
import subprocess
import sys
import tarfile

import numpy as np

from tests.conftest import ROOT
from tests.node.tfjs import NODE_ENV


def artifact(result, kind):
    return next(a for a in result.artifacts if a.kind == kind)


def snippet(result, name):
    return next(a.path for a in result.artifacts if a.kind == "snippet" and a.path.name == name)


def keras_model(run_dir):
    from skills.training import keras
    return keras().models.load_model(run_dir / "model.keras", compile=False)


def validation(run_dir):
    with np.load(run_dir / "validation.npz") as data:
        return data["x"], data["y"]


def page_calls(page, calls, tmp_path):
    calls_file = tmp_path / "calls.json"
    calls_file.write_text(json.dumps(calls))
    out = subprocess.run(["node", str(ROOT / "tests/node/page_lib.cjs"), str(page), str(calls_file)],
                         capture_output=True, text=True, check=True, timeout=60, env=NODE_ENV)
    return json.loads(out.stdout)


def check_saved_model(result, out_dir, run_dir, dtype, name="model", version=1):
    """The tar.gz holds <name>/<version>/ whose serving_default takes the model's real input and
    predicts what Keras predicts."""
    import tensorflow as tf

    archive = artifact(result, "serving").path
    assert archive.name == f"{name}-serving.tar.gz"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert f"{name}/{version}/saved_model.pb" in names
        assert any(n.startswith(f"{name}/{version}/variables/") for n in names)
        tar.extractall(out_dir / "unpacked")
    model, (x, _) = keras_model(run_dir), validation(run_dir)
    serve = tf.saved_model.load(str(out_dir / "unpacked" / name / str(version))).signatures["serving_default"]
    (spec,) = serve.structured_input_signature[1].values()
    assert spec.shape.as_list() == [None, *model.input_shape[1:]]
    assert spec.dtype == dtype
    got = serve(tf.constant(x[:8]))["outputs"].numpy()
    np.testing.assert_allclose(got, model.predict(x[:8], verbose=0), atol=1e-5)


def run_snippet(result, out_dir):
    out = subprocess.run([sys.executable, "predict_litert.py"], cwd=out_dir, capture_output=True,
                         text=True, timeout=120, check=True)
    return out.stdout
