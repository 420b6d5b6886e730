"""Export a tf_keras model to TFLite and TF.js, and check the TFLite file by running it.

tf_keras (Keras 2), not Keras 3: the TF.js layers format only loads Keras 2 JSON
(ARCHITECTURE.md, fact 4). LiteRT's interpreter replaces the deprecated tf.lite.Interpreter.
"""

import os
from pathlib import Path

import numpy as np


def to_tflite(model, path: Path) -> Path:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    path.write_bytes(converter.convert())
    return path


def run_tflite(path: Path, inputs: np.ndarray) -> np.ndarray:
    """Predict with the TFLite file one row at a time, as a phone app would."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    rows = []
    for row in np.asarray(inputs, dtype=inp["dtype"]):
        interpreter.set_tensor(inp["index"], row.reshape(inp["shape"]))
        interpreter.invoke()
        rows.append(interpreter.get_tensor(out["index"]).reshape(-1))
    return np.stack(rows)


def to_tfjs(model, folder: Path) -> tuple[Path, list[Path]]:
    """Write a TF.js layers model; returns model.json and its weight shard files."""
    # tensorflowjs imports TF Decision Forests, whose welcome banner imports IPython whenever
    # stdout is not a plain file (pytest, some log wrappers) and crashes without it.
    os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")
    import tensorflowjs

    folder.mkdir(parents=True, exist_ok=True)
    tensorflowjs.converters.save_keras_model(model, str(folder))
    model_json = folder / "model.json"
    shards = sorted(p for p in folder.iterdir() if p.name != "model.json")
    return model_json, shards
