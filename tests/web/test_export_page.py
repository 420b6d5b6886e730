"""The TF.js page an export bundles, opened in headless Chromium over http: it loads the
learner's model with the bundled tf.min.js and predicts what Keras predicts."""

import functools
import http.server
import json
import subprocess
import threading

import numpy as np
import pytest

from skills import export, vision
from skills.training import keras
from tests.web.conftest import OUT, ROOT, SCENARIOS

pytestmark = [pytest.mark.slow]


@pytest.fixture
def served(tmp_path):
    """A digits CNN exported to TF.js, its folder served on a free local port."""
    run_dir, out = tmp_path / "run", tmp_path / "export"
    vision.run(vision.Params(model="cnn", epochs=3), run_dir)
    export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="vision", formats=["tfjs"],
                             tflite_variants=["float32"]), out)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out / "tfjs"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/index.html", run_dir
    server.shutdown()


def test_export_page_loads_the_model_in_chromium_and_predicts_like_keras(browser_tools, served):
    url, run_dir = served
    with np.load(run_dir / "validation.npz") as data:
        image = data["x"][0]
    expected = keras().models.load_model(run_dir / "model.keras").predict(image[None], verbose=0)[0]
    options = {"url": url, "outDir": str(OUT), "chromium": browser_tools,
               "input": image.reshape(-1).tolist()}
    done = subprocess.run(["node", str(SCENARIOS), "exportPage"], input=json.dumps(options),
                          capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(found["result"]["output"], expected, atol=1e-4)
    assert str(int(np.argmax(expected))) in found["shown"]
