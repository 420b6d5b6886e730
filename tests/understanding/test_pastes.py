"""What a pasted message holds, read in bounded time."""

import time

import pytest

from understanding import pastes

TRACEBACK = '''Epoch 1/10
Traceback (most recent call last):
  File "/home/me/train.py", line 41, in <module>
    model.fit(x_train, y_train, epochs=10)
  File "/usr/lib/python3/site-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler
    raise e.with_traceback(filtered_tb) from None
ValueError: Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, \
found ndim=3. Full shape received: (None, 28, 28)
'''


def test_pastes_find_the_last_error_line_of_a_traceback_and_its_kind():
    assert pastes.kind(TRACEBACK) == "error"
    (line,) = pastes.error_lines(TRACEBACK)
    assert line.startswith("ValueError: Input 0 of layer")


def test_pastes_read_an_error_that_is_only_its_last_line_with_the_learners_words():
    text = "help?? Uncaught (in promise) Error: Unknown layer: TFOpLambda. This may be due to"
    assert pastes.kind(text) == "error" and pastes.error_lines(text)[0].startswith("Error: Unknown layer")


def test_pastes_tell_code_from_prose():
    assert pastes.kind("model.add(Conv2D(64, (3,3), activation='relu'))\nwhat do the 64 and (3,3) mean?") == "code"
    assert pastes.kind("x = x / 255.0") == "code"
    assert pastes.kind("why does my loss go up after epoch 5") is None
    assert pastes.kind("train a cnn with dropout 0.3") is None


def test_pastes_normalise_shapes_names_and_paths_away():
    a = pastes.normalise('Input 0 of layer "conv2d" is incompatible: expected min_ndim=4, found ndim=3 '
                         "(None, 28, 28)")
    b = pastes.normalise("Input 0 of layer 'conv2d_7' is incompatible: expected min_ndim=4, found ndim=3 "
                         "(None, 150, 150)")
    assert a == b
    assert "PATH" in pastes.normalise("No file at /home/me/models/x.keras")


@pytest.mark.parametrize("text", [
    "1" * 2000, " " * 1999 + "x", "a(" * 1000, '"' * 2000, "é" * 2000, "Error: " * 285,
    ("x = (" * 300) + "\n" + "ValueError" * 150, "model." * 333, "\n" * 2000, "1.1." * 500,
])
def test_pastes_read_a_2000_character_adversarial_message_without_backtracking(text):
    started = time.perf_counter()
    for function in (pastes.kind, pastes.error_lines, pastes.code_lines, pastes.words, pastes.normalise):
        function(text)
    # about 2 ms each on a quiet machine; a backtracking pattern takes seconds on these inputs
    assert time.perf_counter() - started < 0.5


def test_frame_takes_the_learners_own_sentence_out_of_a_command():
    from understanding.pastes import frame

    assert frame("is this one positive: the soup was cold and the waiter rude") == "is this one positive …"
    assert frame("split 'my cat sat on the mat' into tokens please") == "split … into tokens please"
    assert frame("what is overfitting") is None  # nothing quoted: nothing to take out
    assert frame("'only a quote'") is None  # nothing would be left


WRAPPED = '''ValueError: Exception encountered when calling layer 'sequential_2' (type Sequential).

    Input 0 of layer "lstm_1" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: \
(None, 64)

Call arguments received by layer 'sequential_2' (type Sequential):
  \u2022 inputs=tf.Tensor(shape=(None, 120), dtype=int32)
'''


def test_pastes_read_a_wrapper_error_by_the_cause_printed_after_it():
    (line,) = pastes.error_lines(WRAPPED)
    assert line.startswith('ValueError: Input 0 of layer "lstm_1" is incompatible')
    keras3 = ("ValueError: Exception encountered when calling Sequential.call().\n\n"
              "Negative dimension size caused by subtracting 3 from 2")
    assert pastes.error_lines(keras3) == ["ValueError: Negative dimension size caused by subtracting 3 from 2"]
    user_code = ('ValueError: in user code:\n\n    File "/x/training.py", line 9\n\n'
                 "    ValueError: No gradients provided for any variable")
    assert pastes.error_lines(user_code) == ["ValueError: No gradients provided for any variable"]
    alone = "ValueError: Exception encountered when calling layer 'dense' (type Dense)."
    assert pastes.error_lines(alone) == [alone]


def test_pastes_normalise_keeps_layer_kinds_and_dtypes_but_not_counters_or_sizes():
    conv1d = pastes.normalise('Input 0 of layer "conv1d_3": expected min_ndim=3, found ndim=2. (None, 20)')
    conv2d = pastes.normalise('Input 0 of layer "conv2d": expected min_ndim=4, found ndim=3. (None, 28, 28)')
    assert "conv1d" in conv1d and "min_ndim=3" in conv1d and "(None, N )" in conv1d
    assert conv1d != conv2d
    assert "int64" in pastes.normalise("expected float32, got int64") and "float32" in pastes.normalise("float32")
    assert pastes.normalise("KeyError: 'accuracy'") == "KeyError: accuracy"
    assert pastes.normalise("Unknown layer: 'my layer 7'") == "Unknown layer: NAME"


def test_pastes_read_a_servers_json_error_body_as_its_error_line():
    body = 'my predict call answers {"error": "Servable not found for request: Latest(fashion)"}'
    assert pastes.kind(body) == "error"
    assert pastes.error_lines(body) == ["error: Servable not found for request: Latest(fashion)"]
    # the entries' own JSON errors normalise to the same form, whatever the model's name
    assert pastes.normalise('{ "error": "Servable not found for request: Latest(my_model)" }') == \
        "error: Servable not found for request: Latest(my_model)"
    assert pastes.kind('{"loss": 0.3, "accuracy": 0.9}') != "error"  # JSON without an error is not one


def test_pastes_name_the_apis_a_fragment_calls_but_not_the_learners_own_variables():
    code = "converter = tf.lite.TFLiteConverter.from_saved_model(path)\nhistory = model.fit(train_generator)"
    assert pastes.api_names(code) == {"tfliteconverter", "from_saved_model"}
    assert pastes.api_names("padded = pad_sequences(seqs, maxlen=5)") == {"pad_sequences"}
    assert pastes.api_names("ValueError: Shapes are incompatible") == frozenset()


def test_pastes_read_a_pasted_training_log_as_a_paste_never_a_request():
    log = ("Epoch 1/50\n8/8 [==============================] - 1s 3ms/step - loss: 48211.2\n"
           "Epoch 2/50\n8/8 [==============================] - 0s 2ms/step - loss: nan\nwhat happened")
    assert pastes.kind(log) == "error"
    assert pastes.kind("train for 50 epochs please") is None


CONVERTER = """converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)
converter.optimizations = [tf.lite.Optimize.DEFAULT]
tflite_model = converter.convert()
"""


@pytest.mark.parametrize(("asked", "pointed"), [
    ("what does the middle line buy me", ["converter.optimizations = [tf.lite.Optimize.DEFAULT]"]),
    ("why optimizations, what is it for", ["converter.optimizations = [tf.lite.Optimize.DEFAULT]"]),
    ("what do the first 2 lines do", ["converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)",
                                      "converter.optimizations = [tf.lite.Optimize.DEFAULT]"]),
    ("and line 3?", ["tflite_model = converter.convert()"]),
])
def test_a_code_question_points_at_the_lines_it_names_by_place_or_by_name(asked, pointed):
    assert pastes.focus(CONVERTER + asked) == pointed


@pytest.mark.parametrize("asked", ["what does this code do", "is converter right here", "where does this come from"])
def test_a_question_about_the_whole_fragment_or_a_name_on_every_line_points_at_nothing(asked):
    assert pastes.focus(CONVERTER + asked) == []


def test_a_number_the_question_quotes_points_at_the_line_that_sets_it_but_a_single_digit_does_not():
    layers = "tf.keras.layers.Dense(512, activation='relu'),\ntf.keras.layers.Dropout(0.2),\n"
    assert pastes.focus(layers + "whats the 0.2") == ["tf.keras.layers.Dropout(0.2),"]
    assert pastes.focus(layers + "and why 512") == ["tf.keras.layers.Dense(512, activation='relu'),"]
    assert pastes.focus(layers + "why is it not exactly 2") == []


MODEL = """from tensorflow import keras
model = keras.Sequential([
    keras.layers.Dense(64, activation='relu'),
    keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
"""


def test_a_layer_named_by_place_is_counted_among_the_layers_and_a_line_number_among_the_lines_as_pasted():
    assert pastes.focus(MODEL + "what does the first layer do") == ["keras.layers.Dense(64, activation='relu'),"]
    assert pastes.focus(MODEL + "why softmax on the last one") == ["keras.layers.Dense(10, activation='softmax')"]
    assert pastes.focus("x = load()\n\ny = x * 2\nz = y + 1\nwhat does line 3 do") == ["y = x * 2"]
    assert pastes.focus(MODEL + "what is line 10") == []
