"""Write data/vision/idx_fixture/: a tiny stand-in for Fashion-MNIST in its real file format.

The four files have Fashion-MNIST's names and layout (IDX, gzip, 28x28 uint8 images, uint8
labels), so both skills.vision_data.read_idx and tf_keras.datasets.fashion_mnist's own reader
parse them. The pictures are the first bundled 8x8 digits, scaled to 0..255 and enlarged to
28x28 by nearest-neighbour sampling. Deterministic: rerunning rewrites the same bytes.

    .venv/bin/python data/vision/make_idx_fixture.py
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from skills.vision_data import FASHION_MNIST_FILES, IDX_FIXTURE_DIR, load_digits, write_idx  # noqa: E402

N_TRAIN, N_TEST, SIZE = 60, 20, 28


def to_28x28_uint8(images: np.ndarray) -> np.ndarray:
    """(n, 8, 8, 1) floats in [0, 1] -> (n, 28, 28) uint8, nearest-neighbour."""
    rows = np.arange(SIZE) * 8 // SIZE
    big = images[:, rows][:, :, rows, 0]
    return np.round(big * 255).astype(np.uint8)


def main(folder: Path = IDX_FIXTURE_DIR) -> None:
    images, labels = load_digits()
    arrays = {
        "x_train": to_28x28_uint8(images[:N_TRAIN]),
        "y_train": labels[:N_TRAIN].astype(np.uint8),
        "x_test": to_28x28_uint8(images[N_TRAIN:N_TRAIN + N_TEST]),
        "y_test": labels[N_TRAIN:N_TRAIN + N_TEST].astype(np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in FASHION_MNIST_FILES.items():
        print(write_idx(folder / name, arrays[key]))


if __name__ == "__main__":
    main()
