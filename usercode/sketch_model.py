"""What pasted Keras code shows, as data: the layers, compile, fit and the data's look (filled by
usercode/reader.py, checked by usercode/review.py, built by usercode/build.py)."""

from dataclasses import dataclass, field
from typing import Any

# keras.datasets.<name>.load_data() -> (image shape, label kind, classes); None: not images
DATASETS: dict[str, tuple[tuple[int, ...] | None, str, int]] = {
    "mnist": ((28, 28), "sparse", 10),
    "fashion_mnist": ((28, 28), "sparse", 10),
    "cifar10": ((32, 32, 3), "sparse", 10),
    "cifar100": ((32, 32, 3), "sparse", 100),
    "imdb": (None, "binary", 2),
}
CLASSIFICATION_LOSSES = {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"}
REGRESSION_LOSSES = {"mse", "mae", "mean_squared_error", "mean_absolute_error", "huber", "huber_loss",
                     "logcosh", "mean_squared_logarithmic_error", "msle"}
LOSS_CLASSES = {"BinaryCrossentropy": "binary_crossentropy", "CategoricalCrossentropy": "categorical_crossentropy",
                "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
                "MeanSquaredError": "mse", "MeanAbsoluteError": "mae", "Huber": "huber"}
UNKNOWN = object()  # an argument that is not a literal (an expression, a call, an unbound name)


@dataclass
class Layer:
    kind: str  # the class name as written: "Dense", "Conv2D", "LSTM", ...
    line: int
    args: list[Any]  # positional arguments, UNKNOWN where not a literal
    kwargs: dict[str, Any]
    inner: "Layer | None" = None  # Bidirectional(LSTM(...)), TimeDistributed(...)

    def arg(self, position: int, name: str, default: Any = None) -> Any:
        """An argument given by position or by keyword."""
        if name in self.kwargs:
            return self.kwargs[name]
        return self.args[position] if position < len(self.args) else default


@dataclass
class Sketch:
    """What the code shows. Each `*_line` is where the fact was read, for the review's findings."""

    lines: int = 0
    layers: list[Layer] = field(default_factory=list)
    model_line: int | None = None
    loss: str | None = None
    loss_line: int | None = None
    optimizer: str | None = None
    learning_rate: float | None = None
    lr_line: int | None = None
    compile_line: int | None = None
    fit_line: int | None = None
    fit_x: str | None = None
    fit_y: str | None = None
    epochs: int | None = None
    epochs_line: int | None = None
    validation: bool = False  # validation_data / validation_split given anywhere
    images: dict[str, int] = field(default_factory=dict)  # image variable -> line it was loaded
    dataset: str | None = None  # keras.datasets name
    normalised: dict[str, int] = field(default_factory=dict)  # image variable -> line divided by 255
    data_shape: tuple[int, ...] | None = None  # one example's shape, as the code shows it
    data_shape_line: int | None = None
    vocab_size: int | None = None  # Tokenizer(num_words) / TextVectorization(max_tokens)
    vocab_line: int | None = None
    labels: dict[str, str] = field(default_factory=dict)  # label variable -> sparse|one_hot|binary|continuous
    classes: int | None = None
    windowed: bool = False  # a windowed series feeds fit: the target is a number
    constants: dict[str, Any] = field(default_factory=dict)

    def label_kind(self) -> str | None:
        """How the labels passed to fit look: from fit's y, else the only kind the code shows."""
        if self.windowed:
            return "continuous"
        if self.fit_y and self.fit_y in self.labels:
            return self.labels[self.fit_y]
        kinds = set(self.labels.values())
        return kinds.pop() if len(kinds) == 1 else None
