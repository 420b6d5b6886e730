import pytest

from actions.neuron_request import RequestParseError
from actions.neuron_request import parse_neuron_request as parse


@pytest.mark.parametrize("text,expected", [
    ("train for 300 epochs", 300),
    ("train a neuron for 10 million epochs", 10_000_000),
    ("train for 2k epochs", 2000),
    ("train with epochs=750", 750),
    ("epochs: 40 please", 40),
    ("train for 1,000 epochs", 1000),
    ("train for 1e7 epochs", 10_000_000),
    ("train a neuron for -5 epochs", -5),
    ("run 20 iterations", 20),
])
def test_parse_reads_epochs_in_words_and_numbers(text, expected):
    assert parse(text)["epochs"] == expected


@pytest.mark.parametrize("text,expected", [
    ("learning rate 0.05", 0.05),
    ("with a learning rate of 2", 2.0),
    ("lr=0.1", 0.1),
    ("learning-rate: 1e-3", 0.001),
    ("lr .5", 0.5),
])
def test_parse_reads_the_learning_rate(text, expected):
    assert parse(text)["learning_rate"] == pytest.approx(expected)


@pytest.mark.parametrize("text,weight,bias", [
    ("Train a neuron to learn y = 2x - 1", 2, -1),
    ("fit y=3x+1", 3, 1),
    ("learn y = -0.5x + 4", -0.5, 4),
    ("learn y = x", 1, 0),
    ("learn y = -x - 2", -1, -2),
    ("y = 3*x + 1.5", 3, 1.5),
    ("y = 5x", 5, 0),
])
def test_parse_reads_a_linear_rule(text, weight, bias):
    assert parse(text)["rule"] == {"weight": weight, "bias": bias}


def test_parse_reads_points_and_ignores_a_rule_when_points_are_given():
    raw = parse("train on (1, 3), (2, 5), (3, 7) like y = 2x + 1")
    assert raw["points"] == [(1, 3), (2, 5), (3, 7)]
    assert "rule" not in raw


def test_parse_leaves_unmentioned_settings_to_the_defaults():
    assert parse("train a neuron") == {}


@pytest.mark.parametrize("text,word", [
    ("train for lots of epochs", "epochs"),
    ("use a fast learning rate", "learning rate"),
])
def test_parse_refuses_a_named_setting_without_a_readable_value(text, word):
    with pytest.raises(RequestParseError, match=word):
        parse(text)
