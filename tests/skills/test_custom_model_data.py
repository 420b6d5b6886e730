"""The data "run my model" prepares (skills/custom_model_data.py): shaped for the learner's model,
and as the book's model expects it."""

import pytest

from skills import custom_model, custom_model_data
from skills.base import SkillError
from usercode.build import build
from usercode.extract import sketch


def _params(code: str) -> custom_model.Params:
    return custom_model.Params.model_validate(build(sketch(code)).spec)


@pytest.mark.slow
def test_a_model_that_rescales_by_itself_gets_pixels_as_loaded_and_the_book_model_gets_0_to_1():
    code = ("model = tf.keras.Sequential([tf.keras.layers.Rescaling(1./255, input_shape=(28, 28, 1)),\n"
            "    tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation='softmax')])")
    prepared = custom_model_data.prepare_digits(_params(code))
    assert 200 < prepared.train[0].max() <= 255 and prepared.book_train[0].max() <= 1.0


def test_uploads_other_than_images_are_refused_before_any_data_is_read(tmp_path):
    params = custom_model.Params.model_validate({**_params(
        "model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[20])])\n"
        "model.compile(loss='mse')").model_dump(), "upload_dir": "learner1/series", "uploads_root": tmp_path})
    with pytest.raises(SkillError, match="I can run your own model on uploaded images"):
        custom_model_data.prepare(params)
