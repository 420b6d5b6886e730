"""From a sketch to a layer spec Tutor may build: whitelisted layers, literal arguments, bounds.

The spec is plain JSON (it is stored with the job), and the custom_model skill builds Keras
layers only from it, by whitelisted class name and whitelisted keyword. So nothing the learner
wrote reaches Keras except numbers, booleans and a few known strings. `check_spec` re-checks a
spec wherever it comes from (the worker runs it again on the stored job). The whitelist itself
(layers, keywords, bounds) is usercode.whitelist; BuildRefused is re-exported here for callers.
"""

from dataclasses import dataclass
from typing import Any

from usercode.shapes import RECURRENT, ShapeError, Traced, declared_input, trace
from usercode.sketch_model import Layer, Sketch
from usercode.whitelist import LOSSES, OPTIMIZERS, layer_config
from usercode.whitelist import BuildRefused as BuildRefused  # raised here; callers catch it from here

MAX_LAYERS = 20
MAX_PARAMS = 2_000_000
MAX_EPOCHS = 15  # a 28x28 CNN and the book's model train within the job limit (about 2 s an epoch each)
DEFAULT_EPOCHS = 5
MAX_IMAGE_SIDE = 64
MAX_WINDOW = 200
MAX_SEQUENCE = 100  # review sentences are short; the sentiment skill's max_length bound
DEFAULT_SEQUENCE = 20
DEFAULT_WINDOW = 20
DIGIT_CLASSES = 10

# What a training costs on the worker (one TensorFlow thread, nice 10), measured on our 2-core
# machines with the skill: the book's 64-filter CNN on 28x28 digits takes about 1.9 s an epoch
# (5.1M multiply-adds an image, forward and backward ~3x, 1437 images: ~11 G/s; 8 G/s assumed on a
# busy machine); each batch costs about 5 ms, plus about 1.5 ms per step a recurrent layer walks.
MACS_PER_SECOND = 8e9
BATCH_SECONDS, STEP_SECONDS = 0.005, 0.0015
TRAIN_EXAMPLES = {"digits": 1437, "reviews": 2423, "series": 980}
BATCH = 32
TRAINING_BUDGET = 80.0  # seconds for both models' epochs within the job's 120 s (TF start, data, plots)


@dataclass
class Built:
    spec: dict[str, Any]  # the skill's Params, JSON-able
    params: int
    notes: list[str]  # what Tutor decided for the learner (capped epochs, default loss)


def _data_for(layers: list[Layer], declared: tuple[int | None, ...] | None) -> tuple[str, tuple[int | None, ...]]:
    """Which bundled data fits the model's input, and the input shape it will get."""
    first = layers[0]
    if first.kind == "Embedding":
        length = declared[0] if declared and len(declared) == 1 and declared[0] else DEFAULT_SEQUENCE
        if not isinstance(length, int) or not 4 <= length <= MAX_SEQUENCE:
            raise BuildRefused(f"The review sentences are padded to 4-{MAX_SEQUENCE} words; your input length is "
                               f"{length}.")
        return "reviews", (length,)
    if declared is None:
        if first.kind == "Conv2D":
            return "digits", (28, 28, 1)
        if first.kind == "Flatten":
            return "digits", (28, 28)
        if first.kind in RECURRENT | {"Conv1D", "Bidirectional"}:
            return "series", (DEFAULT_WINDOW, 1)
        raise BuildRefused("I can't tell what data your model takes: give the first layer an input_shape, e.g. "
                           "input_shape=(28, 28, 1) for images, [20] for a window of a series, or start with an "
                           "Embedding for text.")
    if len(declared) in (2, 3) and declared[0] and declared[1] and declared[0] > 1 and declared[1] > 1 and \
            (len(declared) == 2 or declared[2] in (1, 3)):
        if not all(8 <= d <= MAX_IMAGE_SIDE for d in declared[:2] if d):
            raise BuildRefused(f"I train image models on the digits resized to between 8x8 and "
                               f"{MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE}; your input is {declared}.")
        return "digits", declared
    if len(declared) == 1 or (len(declared) == 2 and declared[1] == 1):
        window = declared[0] or DEFAULT_WINDOW
        if not 1 <= window <= MAX_WINDOW:
            raise BuildRefused(f"I train series models on windows of 1-{MAX_WINDOW} values; yours is {window}.")
        return "series", (window,) if len(declared) == 1 else (window, 1)
    raise BuildRefused(f"I have no bundled data shaped {declared}: I can train on images (digits, e.g. (28, 28, 1)), "
                       "review sentences (a model starting with Embedding) or a series (a window like [20]).")


def _loss(s: Sketch, data: str, last_units: int | None) -> tuple[str, str | None]:
    if s.loss is None:
        default = {"digits": "sparse_categorical_crossentropy", "series": "huber"}.get(data)
        if data == "reviews":
            default = "binary_crossentropy" if last_units == 1 else "sparse_categorical_crossentropy"
        return str(default), f"your code has no loss, so I used {default}"
    if s.loss not in LOSSES:
        raise BuildRefused(f"I can train with these losses: {', '.join(sorted(set(LOSSES.values())))}; your code "
                           f"uses {s.loss}.")
    return LOSSES[s.loss], None


def _fits(data: str, loss: str, output: tuple[int | None, ...], image_classes: int = DIGIT_CLASSES) -> None:
    """The model's output must fit the labels of the data it gets: refuse what would crash.
    `image_classes`: 10 for the digits, the class count of the learner's uploaded images."""
    units = output[-1] if len(output) == 1 else None
    if data == "series":
        if output != (1,):
            raise BuildRefused(f"Your model looks like a forecaster (its input is a window of numbers), so it must "
                               f"output one number; it outputs {output}.")
        if loss not in ("mse", "mae", "huber"):
            raise BuildRefused(f"Your model looks like a forecaster (its input is a window of numbers), so it needs "
                               f"a regression loss (mse, mae or huber), not {loss}. Ask me to review the code.")
        return
    classes = image_classes if data == "digits" else 2
    if loss in ("mse", "mae", "huber"):
        raise BuildRefused(f"The {data} are classes, so I need a classification loss, not {loss}; the review "
                           "shows what to change.")
    fine = (loss == "binary_crossentropy" and units == 1 and classes == 2) or \
        (loss != "binary_crossentropy" and units == classes)
    if not fine:
        want = f"Dense({classes}, activation='softmax')" if data == "digits" else "Dense(1, activation='sigmoid')"
        what = ("the reviews are positive or negative" if data == "reviews" else "the digits have 10 classes"
                if image_classes == DIGIT_CLASSES else f"your images have {classes} classes")
        raise BuildRefused(f"{what[:1].upper()}{what[1:]}, so the last layer must be {want} with a matching loss; "
                           f"yours outputs {output} with {loss}. Ask me to review the code to see why.")


def epoch_seconds(traced: list[Traced], data: str) -> float:
    """About how long one epoch of this model takes on the worker."""
    examples = TRAIN_EXAMPLES[data]
    batches = -(-examples // BATCH)
    compute = 3 * examples * sum(t.macs for t in traced) / MACS_PER_SECOND
    return compute + batches * (BATCH_SECONDS + STEP_SECONDS * sum(t.steps for t in traced))


def book_model(data: str, shape: tuple[int | None, ...]) -> list[Layer]:
    """The layers of the book's model the skill trains beside the learner's (for its cost)."""
    if data == "digits" and len(shape) == 3:  # skills/vision.build_model("cnn", ...)
        return [Layer("Conv2D", 0, [32, 3], {"padding": "same"}), Layer("MaxPooling2D", 0, [], {}),
                Layer("Conv2D", 0, [64, 3], {"padding": "same"}), Layer("MaxPooling2D", 0, [], {}),
                Layer("Flatten", 0, [], {}), Layer("Dense", 0, [128], {}), Layer("Dense", 0, [DIGIT_CLASSES], {})]
    if data == "digits":  # the dense network
        return [Layer("Flatten", 0, [], {}), Layer("Dense", 0, [128], {}), Layer("Dense", 0, [DIGIT_CLASSES], {})]
    return []  # the pooling sentiment model and the dense forecaster cost well under a second an epoch


def build(s: Sketch, epochs: int | None = None, image_classes: int = DIGIT_CLASSES) -> Built:
    """The skill's parameters for the sketched model. Raises BuildRefused with the reason.

    `epochs`: what the learner asked for in chat ("run my model for 3 epochs"), over the code's.
    `image_classes`: an image model's classes (the learner's uploaded images have 2 to 10).
    """
    layers = list(s.layers)
    if not layers:
        raise BuildRefused("I couldn't find a Sequential([...]) layer list or model.add(...) calls in your code. "
                           "I build models written that way, with plain numbers as arguments.")
    declared = declared_input(layers)
    if layers[0].kind in ("Input", "InputLayer"):
        layers = layers[1:]
        if not layers:
            raise BuildRefused("Your model has an Input but no layers after it.")
    if len(layers) > MAX_LAYERS:
        raise BuildRefused(f"I build models of at most {MAX_LAYERS} layers; yours has {len(layers)}.")
    configs = [{"kind": layer.kind, "config": layer_config(layer), "line": layer.line} for layer in layers]
    data, shape = _data_for(layers, declared)
    try:
        traced = trace(layers, shape)
    except ShapeError as exc:
        raise BuildRefused(f"{exc} Ask me to review the code for the fix.") from None
    count = sum(t.params for t in traced)
    if count > MAX_PARAMS:
        raise BuildRefused(f"Your model has {count:,} parameters; I train models of at most {MAX_PARAMS:,}. Use "
                           "fewer units or filters, or pool before Flatten.")
    notes = []
    output = traced[-1].output
    loss, note = _loss(s, data, output[-1] if len(output) == 1 else None)
    if note:
        notes.append(note)
    _fits(data, loss, output, image_classes)
    optimizer = (s.optimizer or "adam").lower()
    if optimizer not in OPTIMIZERS:
        raise BuildRefused(f"I can train with these optimizers: {', '.join(OPTIMIZERS)}; your code uses {optimizer}.")
    rate = s.learning_rate if s.learning_rate is not None else OPTIMIZERS[optimizer]
    if not 0 < rate <= 1:
        raise BuildRefused(f"The learning rate must be above 0 and at most 1; your code says {rate:g}.")
    wanted = epochs if epochs is not None else s.epochs if s.epochs is not None else DEFAULT_EPOCHS
    if epochs is not None and not 1 <= epochs <= MAX_EPOCHS:
        raise BuildRefused(f"Epochs must be a whole number from 1 to {MAX_EPOCHS}; you asked for {epochs:,}.")
    run_epochs = max(1, min(wanted, MAX_EPOCHS))
    if s.epochs is not None and epochs is None and s.epochs != run_epochs:
        notes.append(f"your code asks for {s.epochs:,} epochs; I train at most {MAX_EPOCHS} here, so I'll run "
                     f"{run_epochs}")
    elif s.epochs is None and epochs is None:
        notes.append(f"your code doesn't say how many epochs, so I'll run {run_epochs}")
    per_epoch = epoch_seconds(traced, data) + epoch_seconds(trace(book_model(data, shape), shape), data)
    affordable = int(TRAINING_BUDGET // per_epoch)
    if affordable < 1:
        raise BuildRefused(f"Your model is too big to train here: one epoch (with the book's model beside it) would "
                           f"take about {per_epoch:.0f} s on my CPU, and a job gets {TRAINING_BUDGET:.0f} s of "
                           "training. Use fewer filters or units, or smaller inputs.")
    if affordable < run_epochs:
        notes.append(f"one epoch takes about {per_epoch:.0f} s here (with the book's model), so I'll run "
                     f"{affordable} epoch{'s' if affordable > 1 else ''} to stay within the time limit")
        run_epochs = affordable
    spec = {"data": data, "input_shape": list(shape), "layers": configs, "loss": loss, "optimizer": optimizer,
            "learning_rate": float(rate), "epochs": run_epochs, "classes": image_classes}
    return Built(spec, count, notes)


def check_spec(spec: dict[str, Any]) -> int:
    """Re-check a stored spec (whitelist, arguments, shapes, bounds); its parameter count.
    Raises BuildRefused. The worker calls it on every job, whoever wrote the params."""
    layers = []
    for number, entry in enumerate(spec.get("layers") or [], 1):
        kind, config = entry.get("kind"), dict(entry.get("config") or {})
        inner = None
        if kind == "Bidirectional":
            wrapped = config.pop("layer", None) or {}
            inner = Layer(str(wrapped.get("kind")), number, [], dict(wrapped.get("config") or {}))
            if inner.kind not in RECURRENT:
                raise BuildRefused(f"Layer {number}: Bidirectional only around LSTM, GRU or SimpleRNN.")
            layer_config(inner)
            if config:
                raise BuildRefused(f"Layer {number}: Bidirectional takes only the wrapped layer.")
        layer = Layer(str(kind), number, [], config, inner)
        if kind != "Bidirectional" and layer_config(layer) != config:
            raise BuildRefused(f"Layer {number}: its arguments are not in the form I build.")
        layers.append(layer)
    if not 1 <= len(layers) <= MAX_LAYERS:
        raise BuildRefused(f"A model needs 1 to {MAX_LAYERS} layers.")
    shape = tuple(spec.get("input_shape") or ())
    if spec.get("data") not in ("digits", "reviews", "series") or not 1 <= len(shape) <= 3 or not all(
            type(d) is int and 1 <= d <= 4096 for d in shape):
        raise BuildRefused("The model's data or input shape is not one I can train on.")
    try:
        traced = trace(layers, shape)
    except ShapeError as exc:
        raise BuildRefused(str(exc)) from None
    count = sum(t.params for t in traced)
    if count > MAX_PARAMS:
        raise BuildRefused(f"The model has {count:,} parameters; I train models of at most {MAX_PARAMS:,}.")
    classes = spec.get("classes", DIGIT_CLASSES)
    if type(classes) is not int or not 2 <= classes <= DIGIT_CLASSES:
        raise BuildRefused("An image model must tell 2 to 10 classes apart.")
    _fits(str(spec["data"]), str(spec.get("loss")), traced[-1].output, classes)
    return int(count)


def describe(spec: dict[str, Any], params: int) -> str:
    """"Conv2D(32) -> MaxPooling2D -> Flatten -> Dense(10), 54,410 parameters"."""
    def one(entry: dict[str, Any]) -> str:
        config = entry["config"]
        if entry["kind"] == "Bidirectional":
            return f"Bidirectional({one(config['layer'])})"
        first = next((v for k, v in config.items() if k in ("units", "filters", "rate", "output_dim")), None)
        return f"{entry['kind']}({first:g})" if isinstance(first, int | float) else entry["kind"]
    shape = "x".join(str(d) for d in spec["input_shape"])
    return f"{' -> '.join(one(e) for e in spec['layers'])} on {shape} inputs, {params:,} parameters"
