"""Skills trained on a learner's own upload (issue 17 §1, D34): the normalised folder the intake
writes (uploads/contract.py), made here in tmp_path, read by timeseries, vision, transfer and
sentiment; results in the learner's names, coaching about their data, and paths refused that lie
outside the learner's own uploads folder."""

import json
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pydantic import ValidationError

from skills import sentiment, timeseries, transfer, upload_coaching, upload_data, vision
from skills.base import SkillError
from uploads import contract

# Unbalanced on purpose: "blue_dots" has under half the images of the others.
CLASSES = {"red_squares": 24, "green_bars": 24, "blue_dots": 10}


def _folder(tmp_path, learner="learner1", upload="up1"):
    folder = contract.uploads_root(tmp_path) / learner / upload
    folder.mkdir(parents=True)
    return folder, contract.uploads_root(tmp_path) / learner


def write_series(tmp_path, values, **where):
    folder, root = _folder(tmp_path, **where)
    (folder / contract.SERIES_FILE).write_text("value\n" + "".join(f"{v:.6f}\n" for v in values))
    (folder / contract.META_FILE).write_text(json.dumps(
        {"column": "sales", "rows": len(values), "gaps": 3, "index_column": "day"}))
    return folder, root


def _image(kind, n):
    """A 20x20 RGB image of one class: its own colour and shape, jittered by n."""
    rng = np.random.default_rng(n)
    image = Image.new("RGB", (20, 20), tuple(int(v) for v in rng.integers(0, 40, 3)))
    draw = ImageDraw.Draw(image)
    shift = int(rng.integers(0, 4))
    if kind == "red_squares":
        draw.rectangle((3 + shift, 3 + shift, 13 + shift, 13 + shift), fill=(230, 30, 30))
    elif kind == "green_bars":
        draw.rectangle((2, 4 + shift, 17, 8 + shift), fill=(30, 220, 40))
    else:
        draw.ellipse((5 + shift, 5 + shift, 11 + shift, 11 + shift), fill=(40, 60, 240))
    return image


@pytest.fixture(scope="module")
def images_upload(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("images")
    folder, root = _folder(tmp_path)
    for name, count in CLASSES.items():
        (folder / contract.IMAGES_DIR / name).mkdir(parents=True)
        for n in range(1, count + 1):
            _image(name, n).save(folder / contract.IMAGES_DIR / name / f"{n}.png")
    (folder / contract.META_FILE).write_text(json.dumps({"classes": CLASSES, "size": [20, 20]}))
    return folder, root


def write_text(tmp_path, **where):
    """120 rows with obvious words: 84 praise (label 1), 36 complaints (label 0)."""
    folder, root = _folder(tmp_path, **where)
    good = ["great", "lovely", "excellent", "superb", "happy", "wonderful"]
    bad = ["awful", "broken", "terrible", "rude", "slow", "dirty"]
    rows = []
    for i in range(120):
        label = 0 if i % 10 < 3 else 1
        words = bad if label == 0 else good
        rows.append({"text": f"the service was {words[i % 6]} and {words[(i + 1) % 6]} today", "label": label})
    (folder / contract.TEXT_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    counts = [sum(r["label"] == 0 for r in rows), sum(r["label"] == 1 for r in rows)]
    (folder / contract.META_FILE).write_text(json.dumps(
        {"labels": ["complaint", "praise"], "rows": len(rows), "counts": counts}))
    return folder, root


# --- the path is checked: only the job's learner's own uploads ---------------------------------

def test_upload_dir_outside_the_learners_uploads_is_refused(tmp_path):
    folder, root = write_series(tmp_path, np.arange(300.0))
    other, _ = write_series(tmp_path, np.arange(300.0), learner="learner2")
    (root / "escape").symlink_to("/etc")
    for bad in ("/etc", str(other), str(root / "escape"), str(root / ".." / "learner2" / "up1"), str(root)):
        with pytest.raises(SkillError, match="only train on your own uploads"):
            upload_data.checked_folder(bad, root, "series")
    with pytest.raises(SkillError, match="only train on your own uploads"):  # no root given: nothing
        upload_data.checked_folder(str(folder), None, "series")
    with pytest.raises(SkillError, match="can't find that upload"):
        upload_data.checked_folder(str(root / "gone"), root, "series")
    assert upload_data.checked_folder(str(folder), root, "series")[1]["column"] == "sales"


def test_a_skill_refuses_a_job_naming_etc_and_an_upload_of_another_kind(tmp_path):
    folder, root = write_series(tmp_path, np.arange(300.0))
    with pytest.raises(SkillError, match="only train on your own uploads"):
        vision.run(vision.Params(upload_dir="/etc", uploads_root=root), tmp_path / "out")
    with pytest.raises(SkillError, match='holds a time series, not images. Ask me to "forecast my upload"'):
        vision.run(vision.Params(upload_dir=str(folder), uploads_root=root), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_upload_params_stay_json_and_bounded_and_never_store_the_root(tmp_path):
    for spec in (timeseries, vision, transfer, sentiment):
        params = spec.Params(upload_dir="/x/y", uploads_root=tmp_path)
        assert params.model_dump()["upload_dir"] == "/x/y" and "uploads_root" not in params.model_dump()
        json.dumps(params.model_dump(mode="json"))
        with pytest.raises(ValidationError):
            spec.Params(upload_dir="a" * 501)
        with pytest.raises(ValidationError):
            spec.Params(upload_dir="")


# --- series ------------------------------------------------------------------------------------

def test_timeseries_refuses_a_series_too_short_for_its_window_before_training(tmp_path):
    folder, root = write_series(tmp_path, np.sin(np.arange(120) / 5))
    params = timeseries.Params(upload_dir=str(folder), uploads_root=root, window_size=60)
    with pytest.raises(SkillError, match=r"Your series has 120 values, too short for a window of 60: "
                                         r".* Use window_size 35 or less"):
        timeseries.run(params, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_long_series_keeps_its_last_values_so_a_training_fits_the_time_limit(tmp_path):
    folder, root = write_series(tmp_path, np.arange(3000.0))
    read = upload_data.series(upload_data.checked_folder(str(folder), root, "series"), 20)
    assert read.uploaded_rows == 3000 and len(read.values) == upload_data.MAX_SERIES_ROWS
    assert read.values[0] == 3000 - upload_data.MAX_SERIES_ROWS and read.values[-1] == 2999
    assert read.split_time == upload_data.MAX_SERIES_ROWS * 4 // 5 and read.column == "sales"


def test_timeseries_forecasts_an_uploaded_sine_and_coaching_says_it_is_short(tmp_path):
    values = 10 + 5 * np.sin(np.arange(300) * 2 * math.pi / 25)
    folder, root = write_series(tmp_path, values)
    params = timeseries.Params(upload_dir=str(folder), uploads_root=root, epochs=1)
    result = timeseries.run(params, tmp_path / "out")
    assert {"mae_dense", "mae_conv1d"} <= result.metrics.keys() and "mae_lstm" not in result.metrics
    assert "I left the LSTM out to stay within the time limit" in result.summary
    assert result.metrics["validation_points"] == 60 and result.metrics["split_time"] == 240
    assert math.isfinite(result.metrics["mae"]) and "diff_moving_average_mae" not in result.metrics
    assert "Your series has only 300 values, so the models learned from 220 windows of 20" in result.summary
    assert "3 empty cells were filled" in result.summary and "noise_level" not in result.summary
    assert all(a.path.exists() for a in result.artifacts)


# --- images ------------------------------------------------------------------------------------

def test_vision_trains_on_uploaded_images_with_the_learners_class_names(images_upload, tmp_path):
    folder, root = images_upload
    params = vision.Params(upload_dir=str(folder), uploads_root=root, epochs=2)
    result = vision.run(params, tmp_path / "out")
    assert result.extras["class_names"] == list(CLASSES)
    assert result.extras["input"].startswith("32x32x3 RGB images")
    assert result.metrics["train_examples"] + result.metrics["val_examples"] == sum(CLASSES.values())
    assert result.metrics["val_examples"] == 5 + 5 + 2  # 20% of each class
    assert "on my upload" in result.summary or "Good fit" in result.summary
    assert result.extras["data_coaching"].startswith(
        "Your data: blue_dots has only 10 images (red_squares 24, green_bars 24, blue_dots 10): "
        "the classes are unbalanced")
    assert "its validation accuracy was" in result.extras["data_coaching"]
    assert all(a.path.exists() for a in result.artifacts)
    assert vision._class_names(vision.keras().models.load_model(tmp_path / "out" / "model.keras"), None) is None


def test_transfer_trains_on_uploaded_images_at_the_hub_modules_input(images_upload, tmp_path):
    folder, root = images_upload
    result = transfer.run(transfer.Params(upload_dir=str(folder), uploads_root=root, epochs=2), tmp_path / "out")
    assert result.extras["class_names"] == list(CLASSES)
    assert result.summary.startswith("On your 3 classes (red_squares, green_bars, blue_dots; 46 images")
    assert "Your data: blue_dots has only 10 images" in result.summary
    assert result.metrics["shots"] == 8  # the smallest class's training images
    model = transfer.keras().models.load_model(tmp_path / "out" / "model.keras",
                                               custom_objects=transfer.SPEC.custom_objects())
    assert model.output_shape[-1] == 3 and transfer.SPEC.export.class_names(model, None) is None


# --- text --------------------------------------------------------------------------------------

def test_sentiment_trains_on_uploaded_rows_and_speaks_their_label_names(tmp_path):
    folder, root = write_text(tmp_path)
    params = sentiment.Params(upload_dir=str(folder), uploads_root=root, epochs=2)
    result = sentiment.run(params, tmp_path / "out")
    assert result.extras["label_names"] == ["complaint", "praise"]
    assert result.metrics["validation_sentences"] == 24  # 20% of each label
    assert "val_accuracy_word_order" not in result.metrics  # no 'not'/'but' rows to score
    assert "held-out rows of your data" in result.summary
    assert "Your labels are unbalanced (complaint 36, praise 84)" in result.summary
    assert "only 36 rows of complaint" in result.summary
    assert {row["label"] for row in result.extras["misclassified"]} <= {"complaint", "praise"}
    vocabulary = (tmp_path / "out" / "vocab.txt").read_text().split("\n")
    assert "awful" in vocabulary and "superb" in vocabulary
    model = sentiment.keras().models.load_model(tmp_path / "out" / "model.keras")
    assert sentiment.SPEC.export.class_names(model, vocabulary) is None  # not "negative"/"positive"


def test_telling_words_are_the_words_each_label_uses_most():
    texts = ["good great film", "great good day", "good great fine", "bad awful film", "awful bad day", "bad awful"]
    praise, complaint = upload_data.telling_words(texts, np.array([1, 1, 1, 0, 0, 0]), n=2)
    assert praise == ["good", "great"] and complaint == ["awful", "bad"]


# --- coaching rules ----------------------------------------------------------------------------

def test_image_coaching_names_a_small_class_and_is_silent_on_balanced_data():
    assert upload_coaching.images({"cats": 40, "dogs": 38}) is None
    few = upload_coaching.images({"cats": 15, "dogs": 14})
    assert few.startswith("Your data: dogs has only 14 images") and "too few" in few and "20 or more" in few
    unbalanced = upload_coaching.images({"cats": 40, "dogs": 38, "birds": 12}, {"birds": 0.5})
    assert "unbalanced" in unbalanced and "its validation accuracy was 0.50" in unbalanced


def test_series_coaching_speaks_of_short_series_and_gaps_only_when_true():
    assert upload_coaching.series(5000, 20, 3980) is None
    assert upload_coaching.series(5000, 20, 3980, gaps=1).startswith("1 empty cell was filled")
    assert upload_coaching.series(300, 20, 220).startswith("Your series has only 300 values")
    assert upload_coaching.series(1000, 20, 780, uploaded_rows=20000).startswith(
        "I trained on the last 1,000 of your 20,000 values")


def test_text_coaching_gives_the_majority_score_for_unbalanced_labels():
    assert upload_coaching.text(["neg", "pos"], [400, 420]) is None
    said = upload_coaching.text(["ham", "spam"], [900, 100])
    assert "always answering ham would already score 90%" in said and "only 100 rows of spam" in said
