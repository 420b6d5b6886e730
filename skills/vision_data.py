"""Image datasets for the vision and transfer skills: the bundled 8x8 digits and Fashion-MNIST.

Nothing is downloaded at run time (docs/decisions.md, D8). The digits ship with the project
(data/vision/digits.csv.gz, from scikit-learn). Fashion-MNIST is read from the standard IDX gzip
files in a folder, the same files `tf_keras.datasets.fashion_mnist.load_data()` downloads into
~/.keras/datasets/fashion-mnist for users who are online; the IDX parser is tested offline on
tiny IDX files made from the digits (data/vision/idx_fixture, see data/vision/README.md).

Every loader returns float32 images in [0, 1] shaped (n, height, width, 1) and int64 labels:
exactly what the models take as input.
"""

import gzip
import io
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "vision"
DIGITS_CSV = DATA_DIR / "digits.csv.gz"
IDX_FIXTURE_DIR = DATA_DIR / "idx_fixture"
DIGITS_MAX_PIXEL = 16.0  # the 8x8 digits count "on" pixels in 4x4 blocks: 0..16
SPLIT_SEED = 1234  # fixed, so every run validates on the same images whatever the learner's seed
VALIDATION_FRACTION = 0.2

FASHION_MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
FASHION_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
DIGIT_CLASSES = tuple(str(d) for d in range(10))

# IDX type codes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT") -> big-endian dtypes.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass
class ImageSplit:
    """A fixed train/validation split of one dataset, ready for Keras."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    class_names: tuple[str, ...]

    @property
    def image_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])


# --- the bundled digits -------------------------------------------------------------------------

def load_digits(path: Path = DIGITS_CSV) -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digits: images (1797, 8, 8, 1) in [0, 1] and labels 0..9 (last CSV column)."""
    table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    images = (table[:, :-1] / DIGITS_MAX_PIXEL).reshape(-1, 8, 8, 1)
    return images.astype(np.float32), table[:, -1].astype(np.int64)


def stratified_split(labels: np.ndarray, validation_fraction: float = VALIDATION_FRACTION,
                     seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation) holding the same share of every class on both sides."""
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_val = int(round(len(members) * validation_fraction))
        val.append(members[:n_val])
        train.append(members[n_val:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def digits_split() -> ImageSplit:
    """The digits with the fixed 80/20 stratified split (1437 train, 360 validation)."""
    images, labels = load_digits()
    train, val = stratified_split(labels)
    return ImageSplit("digits", images[train], labels[train], images[val], labels[val], DIGIT_CLASSES)


# --- IDX files (MNIST, Fashion-MNIST) -----------------------------------------------------------

def _open(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (gzipped or not): magic 0x0000 <type> <ndim>, big-endian int32 sizes,
    then the values in C order."""
    with _open(Path(path)) as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    dtype, ndim = np.dtype(_IDX_DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}i", data[4:header])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(f"{path}: header says {shape} ({expected} bytes) but the file has {len(data)}")
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write an array as an IDX file, gzipped when the name ends in .gz. mtime=0 and no file name
    in the gzip header, so the same array always gives the same bytes (the fixture is committed)."""
    codes = {np.dtype(v).newbyteorder("="): k for k, v in _IDX_DTYPES.items()}
    array = np.asarray(array)
    code = codes[array.dtype]
    payload = (bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
               + array.astype(array.dtype.newbyteorder(">")).tobytes())
    path = Path(path)
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(payload)
    else:
        path.write_bytes(payload)
    return path


def fashion_mnist_dir(configured: Path | None = None) -> Path:
    """Where Fashion-MNIST's IDX files are looked for: the configured folder
    (Settings.fashion_mnist_dir, passed in Params by the worker), else the folder
    tf_keras.datasets.fashion_mnist downloads into."""
    return Path(configured) if configured else Path.home() / ".keras" / "datasets" / "fashion-mnist"


def missing_fashion_mnist_files(folder: Path) -> list[str]:
    return [name for name in FASHION_MNIST_FILES.values() if not (Path(folder) / name).is_file()]


def load_fashion_mnist(folder: Path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train, y_train), (x_test, y_test)) like keras.datasets, but images are float32 in
    [0, 1] shaped (n, 28, 28, 1). Online, get the four files from FASHION_MNIST_URL or by running
    tf_keras.datasets.fashion_mnist.load_data() once."""
    folder = Path(folder)
    arrays = {key: read_idx(folder / name) for key, name in FASHION_MNIST_FILES.items()}
    for part in ("train", "test"):
        if len(arrays[f"x_{part}"]) != len(arrays[f"y_{part}"]):
            raise ValueError(f"{folder}: {part} images and labels differ in count")
    def images(raw: np.ndarray) -> np.ndarray:
        return (raw.astype(np.float32) / 255.0)[..., np.newaxis]
    return ((images(arrays["x_train"]), arrays["y_train"].astype(np.int64)),
            (images(arrays["x_test"]), arrays["y_test"].astype(np.int64)))


def fashion_mnist_split(folder: Path, max_train: int = 6000, max_val: int = 1000) -> ImageSplit:
    """Fashion-MNIST's own train/test split, cut to the first max_train/max_val images (the files
    are already shuffled) so a CPU run stays within seconds."""
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(folder)
    return ImageSplit("fashion_mnist", x_train[:max_train], y_train[:max_train],
                      x_test[:max_val], y_test[:max_val], FASHION_MNIST_CLASSES)
