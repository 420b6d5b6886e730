"""The layer whitelist (usercode.whitelist): unknown layers, keywords and out-of-bound or computed
arguments are refused, naming what Tutor can build instead."""

import pytest

from tests.usercode.snippets import CNN
from usercode.build import build
from usercode.extract import sketch
from usercode.whitelist import LAYERS, BuildRefused, layer_config, layer_names


def _build(code: str):
    return build(sketch(code))


def test_a_layer_outside_the_whitelist_is_refused_naming_the_layers_it_can_build():
    code = CNN.replace("tf.keras.layers.Flatten(),", "tf.keras.layers.Lambda(lambda x: x * 2),")
    with pytest.raises(BuildRefused) as refused:
        _build(code)
    message = str(refused.value)
    assert message.startswith("Line 4 uses Lambda, which I can't build. I can only build these layers: ")
    assert "Conv2D" in message and "LSTM" in message and "Embedding" in message
    assert layer_names() in message and "Lambda" not in LAYERS


def test_an_argument_that_is_an_expression_or_out_of_bounds_is_refused_with_the_bound():
    with pytest.raises(BuildRefused, match="Conv2D's filters must be a whole number from 1 to 256; your code has 999"):
        _build(CNN.replace("Conv2D(32", "Conv2D(999"))
    with pytest.raises(BuildRefused, match="Dense's units must be .*an expression"):
        _build(CNN.replace("Dense(10", "Dense(n_classes * 2"))
    with pytest.raises(BuildRefused, match="with kernel_regularizer"):
        _build(CNN.replace("activation='softmax'", "activation='softmax', kernel_regularizer=reg"))


def test_a_layer_config_names_positional_arguments_and_drops_input_keywords():
    conv = sketch(CNN).layers[0]
    assert layer_config(conv) == {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}
