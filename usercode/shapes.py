"""Output shapes and parameter counts of a layer list, worked out like Keras does, without Keras.

The review needs them to tell whether a missing Flatten changes the output, and "run my model"
needs the parameter count before a job is queued (TensorFlow is not loaded in the action server).
Written by hand for the whitelisted layers only (usercode.build.LAYERS): the formulas are the
ones in Keras's own `compute_output_shape` and `count_params`. Shapes leave out the batch axis;
None is a length the code leaves open (a sequence of any length).
"""

import math
from dataclasses import dataclass

from usercode.sketch_model import UNKNOWN, Layer

Shape = tuple[int | None, ...]
RECURRENT = {"LSTM", "GRU", "SimpleRNN"}


class ShapeError(Exception):
    """A layer cannot take the shape it is given; `line` is the layer's line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class Traced:
    layer: Layer
    input: Shape
    output: Shape
    params: int

    @property
    def macs(self) -> int:
        """Multiply-adds for one example's forward pass (what a training epoch costs, roughly)."""
        kind = self.layer.kind
        if kind == "Bidirectional" and self.layer.inner is not None:
            return self.params * (self.input[0] or 1)
        if kind in ("Conv2D", "Conv1D"):
            cells = math.prod(d or 1 for d in self.output[:-1])
            return cells * self.params
        if kind in RECURRENT:
            return (self.input[0] or 1) * self.params
        if kind == "Dense":
            return math.prod(d or 1 for d in self.output[:-1]) * self.params
        return 0

    @property
    def steps(self) -> int:
        """Time steps a recurrent layer walks one by one (each a small, slow matmul on a CPU)."""
        cell = self.layer.inner if self.layer.kind == "Bidirectional" and self.layer.inner else self.layer
        if cell.kind not in RECURRENT:
            return 0
        return (self.input[0] or 1) * (2 if cell is not self.layer else 1)


def declared_input(layers: list[Layer]) -> Shape | None:
    """The input shape the code declares: an Input/InputLayer, or the first layer's input_shape."""
    if not layers:
        return None
    first = layers[0]
    if first.kind in ("Input", "InputLayer"):
        shape = first.arg(0, "shape", first.kwargs.get("input_shape"))
    else:
        shape = first.kwargs.get("input_shape")
        if shape is None and first.kind != "Embedding" and isinstance(first.kwargs.get("input_dim"), int):
            shape = (first.kwargs["input_dim"],)
        if shape is None and first.kind == "Embedding" and isinstance(first.kwargs.get("input_length"), int):
            shape = (first.kwargs["input_length"],)
    if isinstance(shape, int):
        shape = (shape,)
    if isinstance(shape, tuple | list) and all(d is None or (isinstance(d, int) and d > 0) for d in shape):
        return tuple(shape)
    return None


def _ints(value: object, n: int, default: int) -> tuple[int, ...]:
    if value is None:
        return (default,) * n
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, tuple | list) and len(value) == n and all(isinstance(v, int) for v in value):
        return tuple(value)
    raise ValueError(value)


def _window(size: int | None, kernel: int, stride: int, padding: str) -> int | None:
    if size is None:
        return None
    if padding in ("same", "causal"):
        return math.ceil(size / stride) if padding == "same" else (size - 1) // stride + 1
    return (size - kernel) // stride + 1


def trace(layers: list[Layer], input_shape: Shape) -> list[Traced]:
    """Each layer with its input and output shape and parameter count. Raises ShapeError."""
    shape: Shape = input_shape
    traced = []
    for layer in layers:
        try:
            out, params = _one(layer, shape)
        except ShapeError:
            raise
        except (ValueError, TypeError):
            raise ShapeError(layer.line, f"I can't read the arguments of {layer.kind} on line {layer.line} "
                                         "(use plain numbers and strings).") from None
        if any(d is not None and d <= 0 for d in out):
            raise ShapeError(layer.line, f"{layer.kind} on line {layer.line} gets an input of shape "
                                         f"{_show(shape)}, too small for it (the output would be empty).")
        traced.append(Traced(layer, shape, out, params))
        shape = out
    return traced


def _show(shape: Shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _need(layer: Layer, shape: Shape, rank: int, what: str) -> None:
    if len(shape) != rank:
        raise ShapeError(layer.line, f"{layer.kind} on line {layer.line} needs {what}, but it gets shape "
                                     f"{_show(shape)}.")


def _one(layer: Layer, shape: Shape) -> tuple[Shape, int]:  # noqa: C901  (one branch per layer kind)
    kind = layer.kind
    bias = layer.kwargs.get("use_bias", True) is not False
    if kind in ("Input", "InputLayer", "Dropout", "Activation", "Rescaling", "SpatialDropout1D"):
        return shape, 0
    if kind == "BatchNormalization":
        return shape, 4 * (shape[-1] or 0)
    if kind == "Dense":
        units = layer.arg(0, "units")
        if not isinstance(units, int) or not shape or shape[-1] is None:
            raise ValueError(units)
        return (*shape[:-1], units), shape[-1] * units + (units if bias else 0)
    if kind == "Flatten":
        if any(d is None for d in shape):
            raise ShapeError(layer.line, f"Flatten on line {layer.line} needs a fixed input size, but it gets "
                                         f"{_show(shape)}.")
        return (math.prod(d for d in shape if d is not None),), 0
    if kind in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
        _need(layer, shape, 3, "images shaped (height, width, channels)")
        padding = str(layer.kwargs.get("padding", "valid")).lower()
        if kind == "Conv2D":
            filters, kernel = layer.arg(0, "filters"), _ints(layer.arg(1, "kernel_size"), 2, 0)
            strides = _ints(layer.arg(2, "strides"), 2, 1)
            if not isinstance(filters, int) or 0 in kernel:
                raise ValueError(filters)
        else:
            kernel = _ints(layer.arg(0, "pool_size"), 2, 2)
            strides = _ints(layer.arg(1, "strides"), 2, 0)
            strides = kernel if 0 in strides else strides
            filters = shape[2]
        out = (_window(shape[0], kernel[0], strides[0], padding), _window(shape[1], kernel[1], strides[1], padding),
               filters)
        params = (kernel[0] * kernel[1] * (shape[2] or 0) * filters + (filters if bias else 0)) \
            if kind == "Conv2D" else 0
        return out, params
    if kind in ("Conv1D", "MaxPooling1D", "AveragePooling1D"):
        _need(layer, shape, 2, "sequences shaped (steps, features)")
        padding = str(layer.kwargs.get("padding", "valid")).lower()
        if kind == "Conv1D":
            filters, (k,) = layer.arg(0, "filters"), _ints(layer.arg(1, "kernel_size"), 1, 0)
            (stride,) = _ints(layer.arg(2, "strides"), 1, 1)
            if not isinstance(filters, int) or not k:
                raise ValueError(filters)
            return ((_window(shape[0], k, stride, padding), filters),
                    k * (shape[1] or 0) * filters + (filters if bias else 0))
        (k,) = _ints(layer.arg(0, "pool_size"), 1, 2)
        (stride,) = _ints(layer.arg(1, "strides"), 1, 0)
        return (_window(shape[0], k, stride or k, padding), shape[1]), 0
    if kind in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        _need(layer, shape, 2, "sequences shaped (steps, features)")
        return (shape[1],), 0
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        _need(layer, shape, 3, "images shaped (height, width, channels)")
        return (shape[2],), 0
    if kind == "Embedding":
        words, size = layer.arg(0, "input_dim"), layer.arg(1, "output_dim")
        if not isinstance(words, int) or not isinstance(size, int):
            raise ValueError(words)
        _need(layer, shape, 1, "word ids shaped (steps,)")
        return (shape[0], size), words * size
    if kind in RECURRENT:
        units = layer.arg(0, "units")
        if not isinstance(units, int):
            raise ValueError(units)
        _need(layer, shape, 2, "sequences shaped (steps, features)")
        features = shape[1] or 0
        gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[kind]
        params = gates * (features * units + units * units + units)
        if kind == "GRU" and layer.kwargs.get("reset_after", True) is not False:
            params += 3 * units  # TF2's GRU keeps a second bias (reset_after=True)
        sequence: Shape = (shape[0], units) if layer.kwargs.get("return_sequences") is True else (units,)
        return sequence, params
    if kind == "Bidirectional":
        if layer.inner is None or layer.inner.kind not in RECURRENT:
            raise ValueError(layer.inner)
        inner_out, inner_params = _one(layer.inner, shape)
        return (*inner_out[:-1], 2 * (inner_out[-1] or 0)), 2 * inner_params
    if kind == "Reshape":
        target = layer.arg(0, "target_shape")
        if not isinstance(target, tuple | list) or not all(isinstance(d, int) for d in target):
            raise ValueError(target)
        if -1 in target and None not in shape:
            known = math.prod(d for d in target if d != -1)
            total = math.prod(d for d in shape if d is not None)
            target = tuple(total // known if d == -1 else d for d in target)
        return tuple(target), 0
    raise ShapeError(layer.line, f"I don't know the layer {kind} (line {layer.line}).")


def used(value: object) -> bool:
    """An argument that is given as a literal (not missing, not an expression)."""
    return value is not None and value is not UNKNOWN
