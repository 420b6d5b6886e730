"""Walk parsed code's statements in line order and fill a Sketch: layers, compile, fit, datasets,
normalisation, vocabulary and labels. Only literals are read (usercode/extract.py parses; nothing
is executed)."""

import ast
from typing import Any

from usercode.sketch_model import DATASETS, LOSS_CLASSES, UNKNOWN, Layer, Sketch


def name_of(node: ast.AST) -> str:
    """`tf.keras.layers.Dense` -> "Dense"; `Dense` -> "Dense"; anything else -> ""."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def dotted(node: ast.AST) -> str:
    """`tf.keras.datasets.mnist.load_data` -> that string ("" when not a plain dotted name)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


class Reader:
    """Walks statements in line order and fills the sketch."""

    def __init__(self, found: Sketch):
        self.s = found
        self.model_names: set[str] = set()
        self.calls: dict[str, ast.Call] = {}  # name -> the call bound to it (`l0 = Dense(1)`, `opt = Adam()`)
        self.series: set[str] = set()  # names bound to a windowed dataset
        self.aliases: dict[str, str] = {}  # name -> the dotted module path bound to it

    # -- values ----------------------------------------------------------------------------
    def value(self, node: ast.AST) -> Any:
        """A literal's value; a name bound to a literal; `tf.nn.relu` -> "relu"; else UNKNOWN."""
        if isinstance(node, ast.Name) and node.id in self.s.constants:
            return self.s.constants[node.id]
        if isinstance(node, ast.Attribute) and dotted(node).split(".")[-2:-1] in (["nn"], ["activations"]):
            return node.attr
        if isinstance(node, ast.Tuple | ast.List):
            return [self.value(e) for e in node.elts] if isinstance(node, ast.List) else \
                tuple(self.value(e) for e in node.elts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
            left, right = self.value(node.left), self.value(node.right)
            if type(left) is int and type(right) is int:
                return left + right if isinstance(node.op, ast.Add) else \
                    left - right if isinstance(node.op, ast.Sub) else left * right
            return UNKNOWN
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # Rescaling(1./255)
            left, right = self.value(node.left), self.value(node.right)
            if type(left) in (int, float) and type(right) in (int, float) and right:
                return left / right
            return UNKNOWN
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            return UNKNOWN

    def layer(self, node: ast.AST) -> Layer | None:
        if isinstance(node, ast.Name) and node.id in self.calls:
            node = self.calls[node.id]
        if not isinstance(node, ast.Call):
            return None
        kind = name_of(node.func)
        if not kind or not kind[:1].isupper():
            return None
        inner = self.layer(node.args[0]) if node.args and kind in ("Bidirectional", "TimeDistributed") else None
        args = [self.value(a) for a in node.args] if inner is None else []
        kwargs = {k.arg: self.value(k.value) for k in node.keywords if k.arg}
        if inner is None and "layer" in kwargs and kind == "Bidirectional":
            layer_kw = next(k.value for k in node.keywords if k.arg == "layer")
            inner = self.layer(layer_kw)
            kwargs.pop("layer")
        return Layer(kind, node.lineno, args, kwargs, inner)

    # -- statements ------------------------------------------------------------------------
    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            self.assign(node.targets, node.value, node.lineno)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if isinstance(node.op, ast.Div) and self._is_255(node.value):
                self.s.normalised.setdefault(node.target.id, node.lineno)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.call(node.value, None)

    def assign(self, targets: list[ast.expr], value: ast.expr, line: int) -> None:
        if isinstance(value, ast.Tuple):  # x_train, x_test = x_train / 255.0, x_test / 255.0
            for pair in targets:
                if isinstance(pair, ast.Tuple) and len(pair.elts) == len(value.elts):
                    for one, each in zip(pair.elts, value.elts):
                        self.assign([one], each, line)
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if isinstance(value, ast.Call) and names:
            self.calls[names[0]] = value
        if isinstance(value, ast.Attribute) and names:  # data = tf.keras.datasets.fashion_mnist
            self.aliases[names[0]] = dotted(value)
        if isinstance(value, ast.Constant | ast.Tuple | ast.List | ast.UnaryOp | ast.BinOp) and names:
            literal = self.value(value)
            if literal is not UNKNOWN and not isinstance(value, ast.List | ast.Tuple):
                self.s.constants[names[0]] = literal
        for unpacked in targets:
            if isinstance(unpacked, ast.Tuple) and isinstance(value, ast.Call):
                self.load_data(unpacked, value, line)
        if self._divides_255(value):
            for name in names:
                self.s.normalised.setdefault(name, line)
        for name in names:
            self.shape_of(name, value, line)
        if isinstance(value, ast.Call):
            self.call(value, names[0] if names else None)

    def _is_255(self, node: ast.AST) -> bool:
        number = self.value(node)
        return isinstance(number, int | float) and not isinstance(number, bool) and number == 255

    def _divides_255(self, node: ast.AST) -> bool:
        return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) and self._is_255(n.right)
                   for n in ast.walk(node))

    def load_data(self, target: ast.Tuple, call: ast.Call, line: int) -> None:
        """`(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()`."""
        path = dotted(call.func).split(".")
        path = [*self.aliases.get(path[0], path[0]).split("."), *path[1:]]
        if path[-1:] != ["load_data"] or len(path) < 2 or path[-2] not in DATASETS:
            return
        shape, kind, classes = DATASETS[path[-2]]
        self.s.dataset, self.s.classes = path[-2], classes
        pairs = [e for e in target.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
        for pair in pairs:
            x, y = (name_of(e) for e in pair.elts)
            if shape is not None and x:
                self.s.images[x] = line
            if y:
                self.s.labels[y] = kind
        if shape is not None:
            self.s.data_shape, self.s.data_shape_line = shape, line

    def shape_of(self, name: str, value: ast.expr, line: int) -> None:
        """x = x.reshape(-1, 28, 28, 1), np.expand_dims(x, -1), x[..., np.newaxis]: one example's shape."""
        call = value
        if isinstance(call, ast.BinOp):  # x.reshape(...) / 255.0
            call = call.left
        if isinstance(call, ast.Call) and name_of(call.func) == "reshape":
            dims = [self.value(a) for a in call.args]
            if len(dims) == 1 and isinstance(dims[0], tuple | list):
                dims = list(dims[0])
            if not isinstance(call.func, ast.Attribute) or not isinstance(call.func.value, ast.Name):
                dims = dims[1:] if dims and not isinstance(dims[0], int) else dims  # np.reshape(x, shape)
            if len(dims) >= 2 and all(isinstance(d, int) for d in dims[1:]):
                self.s.data_shape, self.s.data_shape_line = tuple(dims[1:]), line
                self._images_follow(name, call, line)
        elif self.s.data_shape and ((isinstance(call, ast.Call) and name_of(call.func) == "expand_dims")
                                    or (isinstance(call, ast.Subscript) and "newaxis" in ast.dump(call.slice))):
            self.s.data_shape, self.s.data_shape_line = (*self.s.data_shape, 1), line
            self._images_follow(name, call, line)

    def _images_follow(self, name: str, node: ast.AST, line: int) -> None:
        """A reshaped image array is still images (and stays normalised if its source was)."""
        sources = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if sources & set(self.s.images):
            self.s.images.setdefault(name, line)
            if sources & set(self.s.normalised):
                self.s.normalised.setdefault(name, line)

    def call(self, call: ast.Call, target: str | None) -> None:
        func = call.func
        kind = name_of(func)
        owner = func.value if isinstance(func, ast.Attribute) else None
        owner_name = owner.id if isinstance(owner, ast.Name) else None
        if kind == "Sequential" and not self.s.layers:
            self.model_names.add(target or "model")
            self.s.model_line = call.lineno
            listed = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "layers"), None)
            if isinstance(listed, ast.List | ast.Tuple):
                self.s.layers = [layer for e in listed.elts if (layer := self.layer(e)) is not None]
        elif kind == "add" and owner_name in self.model_names and call.args:
            layer = self.layer(call.args[0])
            if layer is not None:
                self.s.layers.append(layer)
        elif kind == "compile" and owner_name in self.model_names | {"model"}:
            self.compile(call)
        elif kind == "fit" and owner_name in self.model_names | {"model"}:
            self.fit(call)
        elif kind in ("Tokenizer", "TextVectorization"):
            words = next((self.value(k.value) for k in call.keywords if k.arg in ("num_words", "max_tokens")), None)
            if isinstance(words, int):
                self.s.vocab_size, self.s.vocab_line = words, call.lineno
        elif kind == "to_categorical" and target:
            self.s.labels[target] = "one_hot"
            classes = next((self.value(k.value) for k in call.keywords if k.arg == "num_classes"),
                           self.value(call.args[1]) if len(call.args) > 1 else None)
            if isinstance(classes, int):
                self.s.classes = classes
        elif kind == "array" and target and call.args:
            numbers = self.value(call.args[0])
            if isinstance(numbers, list) and numbers and all(isinstance(n, int | float) for n in numbers):
                self.s.labels[target] = "binary" if set(numbers) <= {0, 1} else "continuous"
        elif "window" in kind.lower() and target:
            self.s.labels[target] = "continuous"
            self.series.add(target)

    def compile(self, call: ast.Call) -> None:
        self.s.compile_line = call.lineno
        for keyword in call.keywords:
            if keyword.arg == "loss":
                self.s.loss, self.s.loss_line = self.loss(keyword.value), keyword.value.lineno
            elif keyword.arg == "optimizer":
                self.optimizer(keyword.value)
        if call.args:
            self.optimizer(call.args[0])
        if len(call.args) > 1:
            self.s.loss, self.s.loss_line = self.loss(call.args[1]), call.args[1].lineno

    def loss(self, node: ast.AST) -> str | None:
        value = self.value(node)
        if isinstance(value, str):
            return value.lower()
        if isinstance(node, ast.Call):
            node = node.func
        return LOSS_CLASSES.get(name_of(node)) or (name_of(node).lower() or None)

    def optimizer(self, node: ast.AST) -> None:
        value = self.value(node)
        if isinstance(value, str):
            self.s.optimizer = value.lower()
            return
        if isinstance(node, ast.Name) and node.id in self.calls:
            node = self.calls[node.id]
        if isinstance(node, ast.Call):
            self.s.optimizer = name_of(node.func).lower() or None
            rate = next((self.value(k.value) for k in node.keywords if k.arg in ("learning_rate", "lr")),
                        self.value(node.args[0]) if node.args else None)
            if isinstance(rate, int | float) and not isinstance(rate, bool):
                self.s.learning_rate, self.s.lr_line = float(rate), node.lineno

    def fit(self, call: ast.Call) -> None:
        self.s.fit_line = call.lineno
        if call.args:
            self.s.fit_x = name_of(call.args[0]) or None
            if self.s.fit_x in self.series:
                self.s.windowed = True
        if len(call.args) > 1:
            self.s.fit_y = name_of(call.args[1]) or None
        for keyword in call.keywords:
            if keyword.arg == "epochs":
                epochs = self.value(keyword.value)
                if isinstance(epochs, int):
                    self.s.epochs, self.s.epochs_line = epochs, keyword.value.lineno
            elif keyword.arg in ("validation_data", "validation_split", "validation_steps"):
                self.s.validation = True
            elif keyword.arg in ("y",):
                self.s.fit_y = name_of(keyword.value) or None
            elif keyword.arg in ("x",):
                self.s.fit_x = name_of(keyword.value) or None
        if len(call.args) > 3:  # fit(x, y, batch_size, epochs)
            epochs = self.value(call.args[3])
            if isinstance(epochs, int):
                self.s.epochs, self.s.epochs_line = epochs, call.args[3].lineno
