"""What Tutor builds from a learner's code: whitelisted Keras layers, their keywords and bounds.

Split from usercode.build (which picks the data, loss and epochs): this is the security boundary.
A layer's class name must be a key of LAYERS and each argument must pass its keyword's check, so
only numbers, booleans and a few known strings reach Keras. `layer_config` is the one place that
turns a sketched layer into a config, both when building and when re-checking a stored spec.
"""

from collections.abc import Callable
from typing import Any

from usercode.shapes import RECURRENT
from usercode.sketch_model import UNKNOWN, Layer

ACTIVATIONS = {"relu", "sigmoid", "softmax", "tanh", "linear", "elu", "selu", "softplus", "swish", "gelu"}
LOSSES = {"sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
          "categorical_crossentropy": "categorical_crossentropy", "binary_crossentropy": "binary_crossentropy",
          "mse": "mse", "mean_squared_error": "mse", "mae": "mae", "mean_absolute_error": "mae",
          "huber": "huber", "huber_loss": "huber"}
OPTIMIZERS = {"adam": 0.001, "sgd": 0.01, "rmsprop": 0.001, "adagrad": 0.001, "adamax": 0.001, "nadam": 0.001}


def _int(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and low <= v <= high


def _number(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: type(v) in (int, float) and low <= v <= high


def _ints(low: int, high: int, n: int) -> Callable[[Any], bool]:
    one = _int(low, high)
    return lambda v: one(v) or (isinstance(v, list | tuple) and len(v) == n and all(one(x) for x in v))


def _choice(*options: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and v.lower() in options


def _activation(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.lower() in ACTIVATIONS)


def _bool(v: Any) -> bool:
    return type(v) is bool


_UNITS = _int(1, 1024)
_RNN = {"units": _int(1, 256), "activation": _activation, "return_sequences": _bool, "dropout": _number(0, 0.9),
        "use_bias": _bool}
_POOL2D = {"pool_size": _ints(1, 4, 2), "strides": _ints(1, 4, 2), "padding": _choice("valid", "same")}
_POOL1D = {"pool_size": _ints(1, 8, 1), "strides": _ints(1, 8, 1), "padding": _choice("valid", "same")}
# layer -> allowed keyword -> check; the positional order is the dict's order (as in Keras)
LAYERS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "Dense": {"units": _UNITS, "activation": _activation, "use_bias": _bool},
    "Conv2D": {"filters": _int(1, 256), "kernel_size": _ints(1, 7, 2), "strides": _ints(1, 3, 2),
               "padding": _choice("valid", "same"), "activation": _activation, "use_bias": _bool},
    "MaxPooling2D": _POOL2D, "AveragePooling2D": _POOL2D,
    "Conv1D": {"filters": _int(1, 256), "kernel_size": _ints(1, 9, 1), "strides": _ints(1, 3, 1),
               "padding": _choice("valid", "same", "causal"), "activation": _activation, "use_bias": _bool},
    "MaxPooling1D": _POOL1D, "AveragePooling1D": _POOL1D,
    "Flatten": {}, "GlobalAveragePooling1D": {}, "GlobalMaxPooling1D": {},
    "GlobalAveragePooling2D": {}, "GlobalMaxPooling2D": {},
    "Dropout": {"rate": _number(0, 0.9)}, "SpatialDropout1D": {"rate": _number(0, 0.9)},
    "BatchNormalization": {}, "Activation": {"activation": _activation},
    "Rescaling": {"scale": _number(-1000, 1000), "offset": _number(-1000, 1000)},
    "Embedding": {"input_dim": _int(2, 50_000), "output_dim": _int(1, 256), "mask_zero": _bool},
    "LSTM": _RNN, "GRU": _RNN, "SimpleRNN": _RNN,
    "Bidirectional": {},
    "Reshape": {"target_shape": lambda v: isinstance(v, list | tuple) and 0 < len(v) <= 3
                and all(type(d) is int and (d == -1 or 1 <= d <= 4096) for d in v)},
}
# How a refusal names each bound (the checks above are the truth)
BOUNDS = {"units": "a whole number from 1 to 1024 (256 for recurrent layers)",
          "filters": "a whole number from 1 to 256",
          "kernel_size": "1 to 7 (9 for Conv1D), or a pair", "strides": "1 to 3, or a pair",
          "pool_size": "1 to 4 (8 for 1-D), or a pair", "rate": "from 0 to 0.9", "dropout": "from 0 to 0.9",
          "input_dim": "a whole number from 2 to 50,000", "output_dim": "a whole number from 1 to 256",
          "activation": f"one of {', '.join(sorted(ACTIVATIONS))}",
          "padding": "'valid', 'same' (or 'causal' for Conv1D)"}
# Read from the code, used to pick the data, never passed to the layer.
INPUT_KEYWORDS = {"input_shape", "input_dim", "input_length", "name", "kernel_initializer"}


class BuildRefused(Exception):
    """The code can't be built as written; the message names what Tutor can build instead."""


def layer_names() -> str:
    return ", ".join(sorted(LAYERS))


def layer_config(layer: Layer) -> dict[str, Any]:
    """The layer's whitelisted keywords and values (positional arguments named); BuildRefused says
    which layer, keyword or bound the code breaks."""
    if layer.kind not in LAYERS:
        raise BuildRefused(f"Line {layer.line} uses {layer.kind}, which I can't build. I can only build these "
                           f"layers: {layer_names()}. (Lambda layers hold code, which I never run.)")
    allowed = LAYERS[layer.kind]
    if layer.kind == "Bidirectional":
        if layer.inner is None or layer.inner.kind not in RECURRENT:
            raise BuildRefused(f"Line {layer.line}: I can build Bidirectional only around LSTM, GRU or SimpleRNN.")
        return {"layer": {"kind": layer.inner.kind, "config": layer_config(layer.inner)}}
    config: dict[str, Any] = {}
    names = list(allowed)
    if len(layer.args) > len(names):
        raise BuildRefused(f"Line {layer.line}: {layer.kind} has more positional arguments than I can read; "
                           "name them (units=..., activation=...).")
    given = {**dict(zip(names, layer.args)), **layer.kwargs}
    for key, value in given.items():
        if key in INPUT_KEYWORDS and key not in allowed:
            continue
        if key not in allowed:
            raise BuildRefused(f"Line {layer.line}: I can't build {layer.kind} with {key}=...; I accept "
                               f"{', '.join(allowed) or 'no arguments'} for it.")
        if value is UNKNOWN or not allowed[key](value):
            limit = BOUNDS.get(key, "a plain number, True/False or a known name")
            raise BuildRefused(f"Line {layer.line}: {layer.kind}'s {key} must be {limit}; your code has "
                               f"{_shown(value)}.")
        config[key] = list(value) if isinstance(value, tuple) else value.lower() if isinstance(value, str) \
            else value
    return config


def _shown(value: Any) -> str:
    return "an expression" if value is UNKNOWN else repr(value)[:40]
