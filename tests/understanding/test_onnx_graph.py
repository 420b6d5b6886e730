"""understanding/onnx_graph.py writes the same model minilm.py runs in NumPy, and the serving
processes run that graph."""

import numpy as np
import pytest

from tests.understanding.test_minilm import TEXTS
from understanding.minilm import MiniLM

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    from understanding.onnx_graph import export

    return export(tmp_path_factory.mktemp("onnx") / "minilm.onnx")


def test_the_onnx_graph_gives_the_numpy_vectors_for_every_text_alone_and_batched(graph):
    numpy_pass, onnx_pass = MiniLM(), MiniLM(onnx_file=graph)
    assert (numpy_pass.runtime, onnx_pass.runtime) == ("numpy", "onnxruntime")
    reference = numpy_pass.embed(TEXTS)
    batched = onnx_pass.embed(TEXTS)
    alone = np.stack([onnx_pass.embed([t])[0] for t in TEXTS])
    assert np.min(np.sum(reference * batched, axis=1)) > 0.99999
    assert np.allclose(batched, alone, atol=1e-5)


def test_export_replaces_the_file_whole_and_leaves_no_temporary_behind(graph):
    assert graph.stat().st_size > 80e6  # the float32 weights, embeddings included
    assert [p.name for p in graph.parent.iterdir()] == [graph.name]


def test_the_router_runs_minilm_in_onnx_runtime_when_setup_wrote_the_graph(router):
    from understanding.build import model_file

    assert model_file().exists(), "make setup writes models/minilm.onnx"
    assert router.encoder.encoder.runtime == "onnxruntime"
