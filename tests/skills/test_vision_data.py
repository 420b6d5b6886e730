"""Image data: the bundled digits, the fixed split, and the IDX parser on a real-format fixture."""

import gzip
import shutil

import numpy as np
import pytest

from skills import vision_data as vd


def test_bundled_digits_are_1797_8x8_images_of_10_classes_in_0_1():
    images, labels = vd.load_digits()
    assert images.shape == (1797, 8, 8, 1) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert sorted(set(labels.tolist())) == list(range(10))
    assert np.bincount(labels).min() >= 170


def test_digits_split_is_fixed_stratified_80_20_and_disjoint():
    first, second = vd.digits_split(), vd.digits_split()
    assert np.array_equal(first.x_val, second.x_val) and np.array_equal(first.y_train, second.y_train)
    assert len(first.y_train) + len(first.y_val) == 1797
    assert abs(len(first.y_val) / 1797 - 0.2) < 0.01
    shares = np.bincount(first.y_val) / np.bincount(vd.load_digits()[1])
    assert np.all(np.abs(shares - 0.2) < 0.02)
    train, val = vd.stratified_split(vd.load_digits()[1])
    assert not set(train) & set(val)


def test_idx_fixture_is_read_the_same_by_our_parser_and_by_keras_own_fashion_mnist_loader(tmp_path):
    from skills.training import keras

    cache = tmp_path / "datasets" / "fashion-mnist"
    shutil.copytree(vd.IDX_FIXTURE_DIR, cache)
    # Files already in the cache: Keras reads them without downloading anything.
    (kx_train, ky_train), (kx_test, ky_test) = keras().datasets.fashion_mnist.load_data(cache_dir=str(tmp_path))
    (x_train, y_train), (x_test, y_test) = vd.load_fashion_mnist(vd.IDX_FIXTURE_DIR)
    assert x_train.shape == (60, 28, 28, 1) and x_test.shape == (20, 28, 28, 1)
    assert np.array_equal(np.round(x_train[..., 0] * 255).astype(np.uint8), kx_train)
    assert np.array_equal(np.round(x_test[..., 0] * 255).astype(np.uint8), kx_test)
    assert np.array_equal(y_train, ky_train) and np.array_equal(y_test, ky_test)


def test_idx_fixture_regenerates_to_the_committed_bytes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_idx_fixture", vd.DATA_DIR / "make_idx_fixture.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path)
    for name in vd.FASHION_MNIST_FILES.values():
        committed, fresh = (vd.IDX_FIXTURE_DIR / name).read_bytes(), (tmp_path / name).read_bytes()
        assert gzip.decompress(fresh) == gzip.decompress(committed)
        assert fresh == committed


@pytest.mark.parametrize("array", [
    np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
    np.array([-3, 0, 7], dtype=np.int32),
    np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2),
])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_write_then_read_idx_round_trips(tmp_path, array, name):
    back = vd.read_idx(vd.write_idx(tmp_path / name, array))
    assert back.dtype == array.dtype and np.array_equal(back, array)


def test_read_idx_refuses_a_file_that_is_not_idx_or_is_truncated(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="not an IDX file"):
        vd.read_idx(tmp_path / "bad")
    good = vd.write_idx(tmp_path / "good", np.zeros((4, 5), np.uint8)).read_bytes()
    (tmp_path / "short").write_bytes(good[:-3])
    with pytest.raises(ValueError, match="header says"):
        vd.read_idx(tmp_path / "short")


def test_fashion_mnist_split_reads_the_four_files_and_names_fashion_classes():
    split = vd.fashion_mnist_split(vd.IDX_FIXTURE_DIR, max_train=50, max_val=10)
    assert split.x_train.shape == (50, 28, 28, 1) and split.x_val.shape == (10, 28, 28, 1)
    assert split.class_names[9] == "Ankle boot"


def test_missing_fashion_mnist_files_are_listed(tmp_path):
    shutil.copy(vd.IDX_FIXTURE_DIR / "train-images-idx3-ubyte.gz", tmp_path)
    assert vd.missing_fashion_mnist_files(tmp_path) == [
        "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert vd.missing_fashion_mnist_files(vd.IDX_FIXTURE_DIR) == []
