"""From the sketch to the spec the custom_model skill builds: data, loss, epochs, cost, re-checks (the
layer whitelist itself: test_whitelist.py)."""

import pytest

from tests.usercode.snippets import CNN
from usercode.build import MAX_EPOCHS, BuildRefused, build, check_spec, describe
from usercode.extract import sketch


def _build(code: str, **kw):
    return build(sketch(code), **kw)


def test_a_cnn_becomes_a_spec_on_the_digits_with_its_own_settings():
    built = _build(CNN)
    spec = built.spec
    assert spec["data"] == "digits" and spec["input_shape"] == [28, 28, 1]
    assert [layer["kind"] for layer in spec["layers"]] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert spec["layers"][0]["config"] == {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}
    assert spec["layers"][0]["line"] == 2
    assert (spec["optimizer"], spec["learning_rate"], spec["epochs"]) == ("adam", 0.002, 3)
    assert built.params == 32 * 9 + 32 + 13 * 13 * 32 * 10 + 10  # Keras's own count for this model
    assert check_spec(spec) == built.params
    assert describe(spec, built.params).startswith("Conv2D(32) -> MaxPooling2D -> Flatten -> Dense(10) on 28x28x1")


def test_more_than_two_million_parameters_are_refused():
    big = CNN.replace("tf.keras.layers.MaxPooling2D(2, 2),\n", "").replace("Dense(10", "Dense(1024").replace(
        "activation='softmax')\n])", "activation='relu'),\n    tf.keras.layers.Dense(10, activation='softmax')\n])")
    with pytest.raises(BuildRefused, match=r"has 22,\d{3},\d{3} parameters; I train models of at most 2,000,000"):
        _build(big)


def test_more_than_twenty_layers_are_refused():
    many = "model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),\n" + \
        "".join("    tf.keras.layers.Dense(8),\n" for _ in range(20)) + \
        "    tf.keras.layers.Dense(10, activation='softmax')])\n"
    with pytest.raises(BuildRefused, match="at most 20 layers; yours has 22"):
        _build(many)


def test_epochs_from_the_code_are_capped_and_said_while_epochs_asked_in_chat_are_bounded():
    built = _build(CNN.replace("epochs=3", "epochs=5000"))
    assert built.spec["epochs"] == MAX_EPOCHS
    assert f"your code asks for 5,000 epochs; I train at most {MAX_EPOCHS} here" in built.notes[0]
    assert _build(CNN, epochs=2).spec["epochs"] == 2
    with pytest.raises(BuildRefused, match=f"Epochs must be a whole number from 1 to {MAX_EPOCHS}; you asked for 500"):
        _build(CNN, epochs=500)


def test_the_bundled_data_is_picked_from_the_input():
    text = "model = tf.keras.Sequential([tf.keras.layers.Embedding(1000, 16), " \
           "tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(1, activation='sigmoid')])"
    assert _build(text).spec["data"] == "reviews" and _build(text).spec["input_shape"] == [20]
    series = "model = tf.keras.Sequential([tf.keras.layers.Dense(10, input_shape=[30]), tf.keras.layers.Dense(1)])"
    assert _build(series).spec["data"] == "series" and _build(series).spec["loss"] == "huber"
    dense = CNN.replace("Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1))",
                        "Flatten(input_shape=(28, 28))").replace("tf.keras.layers.MaxPooling2D(2, 2),\n", "")
    assert _build(dense).spec["input_shape"] == [28, 28]


def test_a_last_layer_that_cannot_fit_the_data_is_refused_before_any_job():
    with pytest.raises(BuildRefused, match="digits have 10 classes, so the last layer must be Dense\\(10"):
        _build(CNN.replace("Dense(10", "Dense(3"))
    with pytest.raises(BuildRefused, match="needs a regression loss"):
        _build("model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])\n"
               "model.compile(optimizer='sgd', loss='binary_crossentropy')")


def test_a_shape_mistake_is_refused_with_the_line_and_a_pointer_to_the_review():
    code = CNN.replace("input_shape=(28, 28, 1)", "input_shape=(28, 28)")
    with pytest.raises(BuildRefused, match="Conv2D on line 2 needs images .* Ask me to review the code"):
        _build(code)


def test_code_without_a_layer_list_is_refused():
    with pytest.raises(BuildRefused, match="couldn't find a Sequential"):
        _build("x = layers.Dense(10)(inputs)\nmodel = tf.keras.Model(inputs, x)")


def test_check_spec_refuses_a_tampered_spec_whoever_wrote_it():
    spec = _build(CNN).spec
    tampered = {**spec, "layers": [*spec["layers"][:-1], {"kind": "Lambda", "config": {"function": "os.system"}}]}
    with pytest.raises(BuildRefused, match="I can only build these layers"):
        check_spec(tampered)
    sneaky = {**spec, "layers": [*spec["layers"][:-1],
                                 {"kind": "Dense", "config": {"units": 10, "kernel_initializer": "x"}}]}
    with pytest.raises(BuildRefused):
        check_spec(sneaky)


def test_a_model_too_slow_for_the_job_time_limit_is_refused_and_a_slow_one_gets_fewer_epochs():
    heavy = ("model = tf.keras.Sequential([\n"
             "    tf.keras.layers.Conv2D(256, (3, 3), padding='same', activation='relu', input_shape=(64, 64, 3)),\n"
             "    tf.keras.layers.Conv2D(256, (3, 3), padding='same', activation='relu'),\n"
             "    tf.keras.layers.GlobalAveragePooling2D(),\n"
             "    tf.keras.layers.Dense(10, activation='softmax')])\n")
    with pytest.raises(BuildRefused, match=r"too big to train here: one epoch .* would take about \d+ s"):
        _build(heavy)
    book_cnn = ("model = tf.keras.Sequential([\n"
                "    tf.keras.layers.Conv2D(64, (3, 3), activation='relu', input_shape=(28, 28, 1)),\n"
                "    tf.keras.layers.MaxPooling2D(2, 2),\n"
                "    tf.keras.layers.Conv2D(64, (3, 3), activation='relu'),\n"
                "    tf.keras.layers.MaxPooling2D(2, 2),\n"
                "    tf.keras.layers.Flatten(),\n"
                "    tf.keras.layers.Dense(128, activation='relu'),\n"
                "    tf.keras.layers.Dense(10, activation='softmax')])\n"
                "model.fit(x, y, epochs=15)\n")
    built = _build(book_cnn)
    assert 5 <= built.spec["epochs"] < 15
    assert f"so I'll run {built.spec['epochs']} epochs to stay within the time limit" in built.notes[-1]


def test_a_rescaling_layer_is_built_with_its_scale():
    code = ("model = tf.keras.Sequential([tf.keras.layers.Rescaling(1./255, input_shape=(28, 28, 1)),\n"
            "    tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation='softmax')])")
    spec = _build(code).spec
    assert spec["layers"][0] == {"kind": "Rescaling", "config": {"scale": 1 / 255}, "line": 1}
