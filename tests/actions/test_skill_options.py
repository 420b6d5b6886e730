"""The declarative settings grammar every skill's chat options use."""

from typing import Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from actions.refusals import explain, field_limit
from actions.skill_options import Choice, Flag, Number, SkillOptions, Text

OPTIONS = SkillOptions([
    Number("epochs", r"epochs?", integer=True),
    Number("dropout", r"dropout"),
    Choice("model", {r"cnn|conv\w*": "cnn", r"dense|mlp": "dense"}),
    Flag("augmentation", r"augment\w*"),
    Text("seed_text", r"seed(?: text)?|starting with"),
])


class Toy(BaseModel):
    epochs: int = Field(default=10, ge=1, le=50)
    dropout: float = Field(default=0.0, ge=0, le=0.5)
    model: Literal["dense", "cnn"] = "cnn"
    seed_text: str = Field(default="hi", max_length=20)


@pytest.mark.parametrize("text, expected", [
    ("train a cnn for 20 epochs", {"model": "cnn", "epochs": 20}),
    ("dense model, epochs=7, dropout 0.25", {"model": "dense", "epochs": 7, "dropout": 0.25}),
    ("convnet with dropout 30%", {"model": "cnn", "dropout": 0.3}),
    ("train with augmentation", {"augmentation": True}),
    ("train without augmentation", {"augmentation": False}),
    ("augmentation off please", {"augmentation": False}),
    ('write 10 words, seed "the rain in spain"', {"seed_text": "the rain in spain"}),
    ("generate starting with: once upon a time", {"seed_text": "once upon a time"}),
    ("train the vision model", {}),
])
def test_options_read_numbers_choices_flags_and_quoted_text(text, expected):
    assert OPTIONS.parse(text) == expected


def test_options_note_an_option_named_without_a_value_for_its_default():
    from actions.catalogue import CATALOGUE

    named: dict = {}
    assert OPTIONS.parse("train with lots of dropout", named) == {}
    assert named == {"dropout": ("dropout", None, 1.0)}  # None: the Params default
    named.clear()
    CATALOGUE["train_vision"].options.parse("train a cnn with dropout", named)
    assert named == {"dropout": ("dropout", 0.3, 1.0)}  # the catalogue names a useful value


def test_options_read_more_and_fewer_as_a_factor_on_the_default():
    named: dict = {}
    OPTIONS.parse("train it for more epochs", named)
    assert named["epochs"] == ("epochs", None, 2.0)
    named.clear()
    OPTIONS.parse("fewer epochs please", named)
    assert named["epochs"] == ("epochs", None, 0.5)


def test_refusal_names_each_fields_limit_from_its_declaration():
    raw = {"epochs": 500, "dropout": 0.9, "model": "rnn"}
    with pytest.raises(ValidationError) as err:
        Toy.model_validate(raw)
    text = explain(err.value, raw, Toy)
    assert "Epochs must be a whole number from 1 to 50; you asked for 500." in text
    assert "Dropout must be from 0 to 0.5; you asked for 0.9." in text
    assert "Model must be one of: dense, cnn" in text
    assert text.endswith("Nothing was started; tell me new settings and I'll train.")


def test_refusal_names_a_text_length_limit():
    assert field_limit(Toy, "seed_text") == "Seed text can be at most 20 characters"
