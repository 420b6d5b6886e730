"""The data "run my model" trains on: the bundled set that fits the learner's model's input.

Split from skills.custom_model (building, training and scoring the two models): each prepare_*
shapes one bundled data set for the learner's model and picks the book's model for it, the
vision, sentiment and timeseries skills' own builders, so both train on the same split.
Declares no SkillSpec (skills/registry.py); TensorFlow is imported inside the functions.
"""

from typing import TYPE_CHECKING, Any

import numpy as np

from skills.base import SkillError

if TYPE_CHECKING:
    from skills.custom_model import Params

BATCH_SIZE = 32
SERIES_SPLIT = 1000  # the timeseries skill's default split_time


class Prepared:
    """Training and validation arrays shaped for the learner's model, and the book's model."""

    def __init__(self, train: Any, validation: tuple[np.ndarray, np.ndarray], book: Any, book_name: str,
                 book_train: Any, book_validation: tuple[np.ndarray, np.ndarray], described: str):
        self.train, self.validation, self.book, self.book_name = train, validation, book, book_name
        self.book_train, self.book_validation, self.described = book_train, book_validation, described


def _labels(y: np.ndarray, loss: str, classes: int) -> np.ndarray:
    if loss == "categorical_crossentropy":
        return np.eye(classes, dtype=np.float32)[y]
    return y.astype(np.float32) if loss == "binary_crossentropy" else y


def prepare_digits(params: "Params") -> Prepared:
    """The 8x8 digits resized (bilinear) to the input's height and width, 1 or 3 channels; or the
    learner's uploaded images at that size."""
    import tensorflow as tf

    from skills import upload_data, vision_data

    height, width = params.input_shape[0], params.input_shape[1]
    if params.upload_dir is not None:
        if height != width:
            raise SkillError(f"I resize uploaded images to a square; your model takes {height}x{width}. "
                             f"Use input_shape=({height}, {height}, 3).")
        gray = len(params.input_shape) == 2 or params.input_shape[2] == 1
        split = upload_data.image_split(params.upload("images"), height, gray)
        if len(split.class_names) != params.classes:
            raise SkillError(f"Your upload has {len(split.class_names)} classes but your model's last layer "
                             f"has {params.classes} units; make them match.")
        if len(params.input_shape) == 2:
            split.x_train, split.x_val = split.x_train[..., 0], split.x_val[..., 0]
        return _images(params, split.x_train, split.y_train, split.x_val, split.y_val, len(split.class_names),
                       f"your {len(split.y_train) + len(split.y_val)} uploaded images "
                       f"({', '.join(split.class_names)}) at {height}x{width}")
    split = vision_data.digits_split()

    def shaped(x: np.ndarray) -> np.ndarray:
        images = tf.image.resize(x, (height, width)).numpy().astype(np.float32)
        if len(params.input_shape) == 2:
            return np.asarray(images[..., 0])
        return np.repeat(images, params.input_shape[2], axis=-1) if params.input_shape[2] == 3 else images

    return _images(params, shaped(split.x_train), split.y_train, shaped(split.x_val), split.y_val,
                   len(split.class_names), f"the digits resized to {height}x{width}")


def _images(params: "Params", x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
            classes: int, described: str) -> Prepared:
    from skills import vision

    kind = "cnn" if len(params.input_shape) == 3 else "dense"
    book = vision.build_model(kind, tuple(x_train.shape[1:]), classes, 0.0)
    # A model that divides by 255 itself (Rescaling(1./255) first) gets pixel values as loaded.
    first = params.layers[0]
    pixels = 255.0 if first.kind == "Rescaling" and abs(float(first.config.get("scale", 1.0))) < 0.1 else 1.0
    train = (x_train * pixels, _labels(y_train, params.loss, classes))
    return Prepared(train, (x_val * pixels, _labels(y_val, params.loss, classes)), book,
                    f"the book's {'CNN' if kind == 'cnn' else 'dense network'}",
                    (x_train, y_train), (x_val, y_val), described)


def prepare_reviews(params: "Params") -> Prepared:
    """The review sentences as word ids, with a vocabulary no bigger than the Embedding's rows."""
    from skills import sentiment, text_data

    length = params.input_shape[0]
    rows = int(params.layers[0].config.get("input_dim", sentiment.DEFAULT_VOCAB_SIZE))
    vocab_size = max(50, min(rows, 5000))  # the sentiment skill's vocabulary bounds
    (train_text, train_y), (val_text, val_y) = sentiment.corpus_split()
    vectorizer = sentiment.corpus_vectorizer(vocab_size, length)
    found = len(text_data.vocabulary_of(vectorizer))
    if found > rows:
        raise SkillError(f"Your Embedding has {rows} rows, fewer than the {found} words I keep for the reviews; "
                         "use Embedding(1000, 16) or more rows.")
    x_train, x_val = vectorizer(train_text).numpy(), vectorizer(val_text).numpy()
    book = sentiment.build_model("pooling", found, 16, length)
    two = params.loss != "binary_crossentropy"
    train = (x_train, _labels(train_y.astype(np.int64), params.loss, 2) if two else train_y.astype(np.float32))
    validation = (x_val, _labels(val_y.astype(np.int64), params.loss, 2) if two else val_y.astype(np.float32))
    return Prepared(train, validation, book, "the book's Embedding + pooling model",
                    (x_train, train_y.astype(np.float32)), (x_val, val_y.astype(np.float32)),
                    f"{len(train_text)} review sentences as {length} word ids")


def prepare_series(params: "Params") -> Prepared:
    """The timeseries skill's default synthetic series, in windows of the input's length."""
    import tensorflow as tf

    from skills import timeseries

    window = params.input_shape[0]
    _, _, series = timeseries.synthetic_series(timeseries.Params())
    train = timeseries.windowed_dataset(series[:SERIES_SPLIT], window, BATCH_SIZE, timeseries.SHUFFLE_BUFFER,
                                        params.seed)
    windows = timeseries.forecast_windows(series[SERIES_SPLIT - window:-1], window)
    targets = series[SERIES_SPLIT:]
    if len(params.input_shape) == 2:  # (window, 1): one feature per step
        learner_train = train.map(lambda x, y: (tf.expand_dims(x, -1), y))
        learner_windows = windows[..., np.newaxis]
    else:
        learner_train, learner_windows = train, windows
    mean, scale = float(series[:SERIES_SPLIT].mean()), float(series[:SERIES_SPLIT].std()) or 1.0
    book = timeseries.build_model("dense", window, mean, scale)
    return Prepared(learner_train, (learner_windows, targets), book, "the book's dense forecaster",
                    train, (windows, targets), f"the synthetic series in windows of {window}")


def prepare(params: "Params") -> Prepared:
    if params.upload_dir is not None and params.data != "digits":
        raise SkillError("I can run your own model on uploaded images; for a series or texts, ask me to "
                         "\"forecast my upload\" or \"train a sentiment model on my upload\".")
    return PREPARE[params.data](params)


PREPARE = {"digits": prepare_digits, "reviews": prepare_reviews, "series": prepare_series}
