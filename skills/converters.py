"""Export a tf_keras model to TFLite and TF.js, and check the TFLite file by running it.

tf_keras (Keras 2), not Keras 3: the TF.js layers format only loads Keras 2 JSON
(docs/decisions.md, D4). LiteRT's interpreter replaces the deprecated tf.lite.Interpreter (D6).
"""

import os
import warnings
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np


def to_tflite(model: Any, path: Path) -> Path:
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


def to_tfjs(model: Any, folder: Path) -> tuple[Path, list[Path]]:
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


# ---- TFLite variants (book ch. 12: post-training quantization) ------------------------------

# The one place the variant names are written: export Params validate with the Literal, and the
# chat's words for them (actions/export_model.py) are checked against the tuple.
TFLiteVariant = Literal["float32", "dynamic", "float16", "int8"]
TFLITE_VARIANTS: tuple[TFLiteVariant, ...] = get_args(TFLiteVariant)
REPRESENTATIVE_ROWS = 200  # enough for stable int8 ranges, few enough to convert in seconds


def tflite_converter(model: Any, variant: str, representative_x: np.ndarray | None = None,
                     strict_int8: bool = True) -> Any:
    """A TFLiteConverter set up for one quantization variant.

    float32: no optimization. dynamic: weights stored as int8, dequantized at load (Optimize.DEFAULT
    without data). float16: weights stored as float16. int8: weights AND activations int8,
    calibrated on representative_x; with float inputs the model's input and output become int8
    too (a microcontroller-ready file), but integer inputs (token ids for an Embedding) stay as
    they are, since quantizing an id makes no sense. strict_int8=False lets ops without an int8
    kernel (some LSTMs) fall back to float instead of failing the conversion.
    """
    import tensorflow as tf

    if variant not in TFLITE_VARIANTS:
        raise ValueError(f"unknown TFLite variant {variant!r}")
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant == "float32":
        return converter
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if variant == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif variant == "int8":
        if representative_x is None or len(representative_x) == 0:
            raise ValueError("int8 quantization needs representative input rows")
        dtype = model.inputs[0].dtype.as_numpy_dtype
        rows = np.asarray(representative_x)[:REPRESENTATIVE_ROWS].astype(dtype)
        converter.representative_dataset = lambda: ([row[None]] for row in rows)
        # One scale per tensor, not per output channel: the per-channel scales and int64 zero
        # points made the digits CNN's int8 file only 3.41x smaller than float32; per tensor it is
        # 3.74x, with accuracy still checked on the validation rows (the table shows any loss).
        # A private converter flag: TF has no public switch for it.
        converter._experimental_disable_per_channel = True
        if strict_int8:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if np.issubdtype(dtype, np.floating):
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
    return converter


def unrolled_for_tflite(model: Any) -> Any:
    """The model, or for a model with recurrent layers (LSTM/GRU, also inside Bidirectional) a
    clone with unroll=True and the same weights. The converter's fused-LSTM path fails on a free
    batch dimension (TensorListReserve) and, with batch 1, a Bidirectional LSTM came out up to
    0.17 off in probability; unrolled, the float32 file matches Keras to 1e-6. Needs a fixed
    sequence length (every model here has one)."""
    from skills.training import keras

    layers = keras().layers

    def has_rnn(layer: Any) -> bool:
        return isinstance(layer, (layers.RNN, layers.Bidirectional))

    if not any(has_rnn(layer) for layer in model.layers):
        return model

    def unrolled(layer: Any) -> Any:
        config = layer.get_config()
        if isinstance(layer, layers.Bidirectional):
            for key in ("layer", "backward_layer"):
                if key in config:
                    config[key]["config"]["unroll"] = True
        elif isinstance(layer, layers.RNN):
            config["unroll"] = True
        else:
            return layer.__class__.from_config(config)
        return layer.__class__.from_config(config)

    clone = keras().models.clone_model(model, clone_function=unrolled)
    clone.set_weights(model.get_weights())
    return clone


def to_tflite_variant(model: Any, path: Path, variant: str, representative_x: np.ndarray | None = None,
                      strict_int8: bool = True) -> Path:
    """Convert and write one variant (see tflite_converter)."""
    converter = tflite_converter(model, variant, representative_x, strict_int8)
    with warnings.catch_warnings():  # "Statistics for quantized inputs were expected" (int8): harmless
        warnings.simplefilter("ignore", UserWarning)
        path.write_bytes(converter.convert())
    return path


def quantize(values: np.ndarray, detail: dict) -> np.ndarray:
    """Float values to an int8/uint8 tensor's integers (q = x / scale + zero_point); other
    tensors just get their dtype."""
    dtype = np.dtype(detail["dtype"])
    scale, zero_point = detail["quantization"]
    values = np.asarray(values)
    if dtype.kind in "iu" and scale and np.issubdtype(values.dtype, np.floating):
        info = np.iinfo(dtype)
        values = np.clip(np.round(values / scale + zero_point), info.min, info.max)
    return values.astype(dtype)


def dequantize(values: np.ndarray, detail: dict) -> np.ndarray:
    """An int8/uint8 output tensor back to real numbers ((q - zero_point) * scale)."""
    scale, zero_point = detail["quantization"]
    if np.dtype(detail["dtype"]).kind in "iu" and scale:
        return (values.astype(np.float32) - zero_point) * scale
    return values.astype(np.float32)


def tflite_predict(path: Path, inputs: np.ndarray) -> np.ndarray:
    """Predict every row of `inputs` with a TFLite file, quantizing int8 inputs and dequantizing
    int8 outputs. The batch runs as ONE invoke after resizing the input tensor; a model whose
    graph cannot be resized (fixed batch ops) falls back to one row at a time."""
    from ai_edge_litert.interpreter import Interpreter

    inputs = np.asarray(inputs)
    interpreter = Interpreter(model_path=str(path))
    (inp,) = interpreter.get_input_details()
    try:
        interpreter.resize_tensor_input(inp["index"], [len(inputs), *inp["shape"][1:]], strict=False)
        interpreter.allocate_tensors()
        return _invoke(interpreter, inputs)
    except (RuntimeError, ValueError):
        interpreter = Interpreter(model_path=str(path))
        interpreter.allocate_tensors()
        return np.concatenate([_invoke(interpreter, row[None]) for row in inputs])


def _invoke(interpreter: Any, batch: np.ndarray) -> np.ndarray:
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    interpreter.set_tensor(inp["index"], quantize(batch.reshape(inp["shape"]), inp))
    interpreter.invoke()
    return dequantize(interpreter.get_tensor(out["index"]), out).reshape(len(batch), -1)


def to_saved_model(model: Any, folder: Path) -> Path:
    """A SavedModel for TF Serving whose serving_default signature takes the model's real input
    (shape with a free batch dimension, dtype) as "inputs" and returns "outputs"."""
    import tensorflow as tf

    spec = tf.TensorSpec([None, *model.input_shape[1:]], model.inputs[0].dtype, name="inputs")
    serve = tf.function(lambda inputs: {"outputs": model(inputs, training=False)},
                        input_signature=[spec])
    with warnings.catch_warnings():  # tf_keras warns about HDF5 for any path not ending in .keras
        warnings.simplefilter("ignore", UserWarning)
        model.save(str(folder), save_format="tf", signatures={"serving_default": serve},
                   include_optimizer=False)
    return folder
