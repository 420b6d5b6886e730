"""The review of pasted Keras code: ten checks, each a small function over the sketch.

Each check returns findings (the line, what is wrong and why, a one-line fix). A check says
nothing when the code does not show what it needs (no labels visible, no learning rate given):
a false alarm on working code costs the learner's trust more than a missed hint.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from usercode.shapes import RECURRENT, ShapeError, declared_input, trace
from usercode.sketch_model import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, Layer, Sketch

ADAPTIVE = {"adam", "rmsprop", "adagrad", "adamax", "nadam", "adamw", "adadelta", "ftrl"}
TOO_SMALL_LR = 1e-7  # the book's time-series SGD uses 1e-6 on purpose
TOO_BIG_LR = {"sgd": 1.0, "adaptive": 0.1}
THOUSANDS = 1000
BIG_NETWORK = 10_000  # parameters
PASS_THROUGH = {"Dropout", "BatchNormalization", "SpatialDropout1D", "Activation"}
ABOUT_OVERFITTING = re.compile(r"over-?fit|generali[sz]|memori[sz]|validation|val_loss|val[ _]acc", re.I)


@dataclass(frozen=True)
class Finding:
    check: str  # the check's name, e.g. "normalise"
    line: int
    message: str
    fix: str  # one line of code (or a short instruction)


def _recurrent(layer: Layer) -> bool:
    return layer.kind in RECURRENT or (layer.kind == "Bidirectional" and layer.inner is not None
                                       and layer.inner.kind in RECURRENT)


def _last_dense(s: Sketch) -> Layer | None:
    for layer in reversed(s.layers):
        if layer.kind == "Dense":
            return layer
        if layer.kind not in PASS_THROUGH and layer.kind != "Lambda":
            return None
    return None


def _activation(layer: Layer) -> str | None:
    value = layer.arg(1, "activation")
    return value.lower() if isinstance(value, str) else None


# -- 1. the last layer against the loss and the labels -------------------------------------------

def output_vs_loss(s: Sketch, question: str = "") -> list[Finding]:
    last = _last_dense(s)
    if last is None:
        return []
    units, activation, loss, labels = last.arg(0, "units"), _activation(last), s.loss, s.label_kind()
    classes = s.classes if labels in ("sparse", "one_hot") else None
    many = classes if classes and classes > 2 else (units if isinstance(units, int) and units > 2 and
                                                    loss in ("categorical_crossentropy",
                                                             "sparse_categorical_crossentropy") else None)
    if activation == "softmax" and units == 1:
        return [Finding("output", last.line, "softmax over a single unit always outputs 1.0, so the model "
                        "can't learn anything.", "tf.keras.layers.Dense(1, activation='sigmoid')  # with "
                        "loss='binary_crossentropy'")]
    found = []
    if many and activation == "sigmoid":
        found.append(Finding("output", last.line, f"{many} classes with sigmoid: each output is judged alone "
                             "as yes/no, so they don't add up to one answer.",
                             f"tf.keras.layers.Dense({many}, activation='softmax')"))
    if classes and classes > 2 and loss == "binary_crossentropy" and s.loss_line:
        found.append(Finding("output", s.loss_line, f"binary crossentropy is for two classes; your labels have "
                             f"{classes}.", "loss='sparse_categorical_crossentropy'" if labels == "sparse"
                             else "loss='categorical_crossentropy'"))
    elif classes and isinstance(units, int) and units not in (1, classes) and activation == "softmax":
        found.append(Finding("output", last.line, f"the labels have {classes} classes but the last layer "
                             f"has {units} units.", f"tf.keras.layers.Dense({classes}, activation='softmax')"))
    if s.loss_line and labels == "one_hot" and loss == "sparse_categorical_crossentropy":
        found.append(Finding("output", s.loss_line, "your labels are one-hot (to_categorical), but sparse "
                             "categorical crossentropy expects class numbers.", "loss='categorical_crossentropy'"))
    if s.loss_line and labels == "sparse" and loss == "categorical_crossentropy":
        found.append(Finding("output", s.loss_line, "your labels are class numbers (0, 1, 2, ...), but "
                             "categorical crossentropy expects one-hot vectors.",
                             "loss='sparse_categorical_crossentropy'"))
    return found


# -- 2. pixel values ---------------------------------------------------------------------------

def normalise(s: Sketch, question: str = "") -> list[Finding]:
    if not s.images or s.fit_line is None or any(layer.kind == "Rescaling" for layer in s.layers):
        return []
    fed = s.fit_x if s.fit_x in s.images else None
    done = [line for name, line in s.normalised.items() if (fed is None or name == fed) and line < s.fit_line]
    if done:
        return []
    name = fed or next(iter(s.images))
    return [Finding("normalise", s.fit_line, "the pixel values still go from 0 to 255 when they reach fit: "
                    "inputs that big make training slow and unstable.",
                    f"{name} = {name} / 255.0  # before fit, and the same for the test images")]


# -- 3. input_shape against the data -------------------------------------------------------------

def input_shape(s: Sketch, question: str = "") -> list[Finding]:
    declared = declared_input(s.layers)
    if declared is None:
        return []
    first = s.layers[0]
    convs = [layer for layer in s.layers if layer.kind not in ("Input", "InputLayer")][:1]
    conv_first = bool(convs) and convs[0].kind == "Conv2D"
    if conv_first and len(declared) == 2:
        h, w = declared
        return [Finding("input_shape", first.line, f"Conv2D needs images shaped (height, width, channels), but "
                        f"input_shape is {tuple(declared)}.",
                        f"input_shape=({h}, {w}, 1)  # and x = x.reshape(-1, {h}, {w}, 1)")]
    data = s.data_shape
    if data is None or tuple(declared) == tuple(data) or None in declared:
        return []
    if conv_first and len(data) == 2 and tuple(declared[:2]) == tuple(data):
        h, w = data
        return [Finding("input_shape", first.line, f"the model expects {tuple(declared)} but your images are "
                        f"{tuple(data)} (line {s.data_shape_line}): Conv2D needs the channel axis.",
                        f"x = x.reshape(-1, {h}, {w}, 1)  # before fit")]
    return [Finding("input_shape", first.line, f"input_shape is {tuple(declared)} but the data on line "
                    f"{s.data_shape_line} is shaped {tuple(data)}.", f"input_shape={tuple(data)}")]


# -- 4. stacked recurrent layers ---------------------------------------------------------------

def stacked_rnn(s: Sketch, question: str = "") -> list[Finding]:
    found = []
    body = [layer for layer in s.layers if layer.kind not in PASS_THROUGH]
    for layer, after in zip(body, body[1:]):
        if _recurrent(layer) and _recurrent(after):
            cell = layer.inner if layer.kind == "Bidirectional" and layer.inner else layer
            if cell.kwargs.get("return_sequences") is not True:
                units = cell.arg(0, "units")
                found.append(Finding("stacked_rnn", layer.line, f"this {cell.kind} feeds another recurrent layer "
                                     "but returns only its last step; the next one needs the whole sequence.",
                                     f"tf.keras.layers.{cell.kind}({units}, return_sequences=True)"))
    return found


# -- 5. learning rate ----------------------------------------------------------------------------

def learning_rate(s: Sketch, question: str = "") -> list[Finding]:
    rate, optimizer = s.learning_rate, s.optimizer or ""
    if rate is None or s.lr_line is None:
        return []
    name = {"sgd": "SGD", "rmsprop": "RMSprop"}.get(optimizer, optimizer.capitalize() or "Adam")
    usual = 0.01 if optimizer == "sgd" else 0.001
    limit = TOO_BIG_LR["sgd"] if optimizer == "sgd" else TOO_BIG_LR["adaptive"] if optimizer in ADAPTIVE else None
    if rate <= 0 or rate < TOO_SMALL_LR:
        why = f"a learning rate of {rate:g} barely moves the weights: the loss will hardly change."
    elif limit is not None and rate > limit:
        why = f"a learning rate of {rate:g} is far above the usual range for {name}: the loss will jump or become NaN."
    else:
        return []
    return [Finding("learning_rate", s.lr_line, why, f"optimizer=tf.keras.optimizers.{name}(learning_rate={usual})")]


# -- 6. validation data, when the learner asks about overfitting ---------------------------------

def validation(s: Sketch, question: str = "") -> list[Finding]:
    if s.validation or s.fit_line is None or not ABOUT_OVERFITTING.search(question):
        return []
    return [Finding("validation", s.fit_line, "fit has no validation data, so nothing shows whether the model "
                    "overfits: the training numbers alone always look good.",
                    "model.fit(..., validation_split=0.2)  # or validation_data=(x_test, y_test)")]


# -- 7. Flatten between convolutions and Dense ---------------------------------------------------

def flatten(s: Sketch, question: str = "") -> list[Finding]:
    rank = None  # the rank of the tensor flowing between layers (None: not known)
    for layer in s.layers:
        if layer.kind in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
            rank = 3
        elif layer.kind in ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Reshape"):
            rank = None
        elif layer.kind == "Dense" and rank == 3:
            return [Finding("flatten", layer.line, "this Dense layer gets the convolution block's 3-D output, so "
                            "it works on each pixel separately and the model outputs an image of scores "
                            "instead of one prediction.", "tf.keras.layers.Flatten(),  # just before this line")]
    return []


# -- 8. Embedding size against the vocabulary -----------------------------------------------------

def embedding_vocab(s: Sketch, question: str = "") -> list[Finding]:
    if s.vocab_size is None:
        return []
    for layer in s.layers:
        if layer.kind == "Embedding":
            words, size = layer.arg(0, "input_dim"), layer.arg(1, "output_dim")
            if isinstance(words, int) and words < s.vocab_size:
                return [Finding("embedding", layer.line, f"Embedding has {words} rows but the tokenizer on line "
                                f"{s.vocab_line} keeps {s.vocab_size} words: ids from {words} up have no row "
                                "and fail at training time.",
                                f"tf.keras.layers.Embedding({s.vocab_size}, {size if size is not None else 16})")]
    return []


# -- 9. regression against classification -------------------------------------------------------

def task_vs_loss(s: Sketch, question: str = "") -> list[Finding]:
    loss, labels = s.loss, s.label_kind()
    if s.loss_line is None or loss is None:
        return []
    if labels == "continuous" and loss in CLASSIFICATION_LOSSES:
        return [Finding("task", s.loss_line, f"the target is a number (regression), but {loss} is a "
                        "classification loss.", "loss='mse'  # or 'mae' / tf.keras.losses.Huber(), with a last "
                        "Dense(1) and no activation")]
    last = _last_dense(s)
    classifying = labels in ("sparse", "one_hot", "binary") or (
        last is not None and _activation(last) in ("softmax", "sigmoid"))
    if classifying and loss in REGRESSION_LOSSES:
        fix = "loss='binary_crossentropy'" if labels == "binary" or (
            last is not None and last.arg(0, "units") == 1) else "loss='sparse_categorical_crossentropy'"
        if labels == "one_hot":
            fix = "loss='categorical_crossentropy'"
        return [Finding("task", s.loss_line, f"the labels are classes, but {loss} is a regression loss: it "
                        "measures distance between numbers, not right or wrong answers.", fix)]
    return []


# -- 10. thousands of epochs on a big network ----------------------------------------------------

def parameters(s: Sketch) -> int | None:
    """The model's parameter count when the code shows its input shape, else None."""
    shape = declared_input(s.layers) or s.data_shape
    if shape is None and s.layers and s.layers[0].kind == "Embedding":
        shape = (None,)
    if shape is None:
        return None
    body = s.layers[1:] if s.layers[0].kind in ("Input", "InputLayer") else s.layers
    try:
        return sum(t.params for t in trace(body, tuple(shape)))
    except ShapeError:
        return None


def _recurrent_floor(layer: Layer) -> int:
    cell = layer.inner if layer.kind == "Bidirectional" and layer.inner else layer
    units = cell.arg(0, "units")
    if cell.kind not in RECURRENT or not isinstance(units, int):
        return 0
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[cell.kind]
    return gates * (units * units + units) * (2 if cell is not layer else 1)


def epochs(s: Sketch, question: str = "") -> list[Finding]:
    if s.epochs is None or s.epochs < THOUSANDS or s.epochs_line is None:
        return []
    count = parameters(s)
    if count is None:  # the input size is not visible: count what the recurrent layers alone must hold
        count = sum(_recurrent_floor(layer) for layer in s.layers) or None
    if count is None or count <= BIG_NETWORK:
        return []
    size = f"{count:,} parameters" if parameters(s) is not None else f"at least {count:,} parameters"
    return [Finding("epochs", s.epochs_line, f"epochs={s.epochs:,} on a network with {size}: that is hours "
                    "on a CPU, and it will overfit long before the end.",
                    "model.fit(..., epochs=30, callbacks=[tf.keras.callbacks.EarlyStopping(patience=3)])")]


CHECKS: tuple[Callable[[Sketch, str], list[Finding]], ...] = (
    output_vs_loss, normalise, input_shape, stacked_rnn, learning_rate, validation, flatten,
    embedding_vocab, task_vs_loss, epochs)


def review(s: Sketch, question: str = "") -> list[Finding]:
    """Every finding, by line; `question` is the learner's message (check 6 reads it)."""
    found: list[Finding] = []
    for check in CHECKS:
        for finding in check(s, question):
            if not any(f.line == finding.line and f.fix == finding.fix for f in found):
                found.append(finding)
    return sorted(found, key=lambda f: f.line)


def render(findings: list[Finding], s: Sketch) -> str:
    """The reply: one numbered item per finding with its line and the fix in a code block."""
    if not findings:
        what = f"{len(s.layers)} layers" if s.layers else f"{s.lines} lines"
        return (f"I read your code ({what}) and found none of the mistakes I check for: the last layer "
                "matches the loss and labels, shapes line up, and the settings are in the usual range. "
                "Say \"run my model\" to train it on my bundled data.")
    parts = [f"I read your code and found {len(findings)} thing{'s' if len(findings) > 1 else ''} to fix:"]
    for number, finding in enumerate(findings, 1):
        parts.append(f"{number}. **Line {finding.line}**: {finding.message[:1].upper()}{finding.message[1:]}\n"
                     f"```python\n{finding.fix}\n```")
    # One newline, not a blank line: Rasa's socket.io channel sends each paragraph as its own message.
    return "\n".join(parts)
