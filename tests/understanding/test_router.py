"""The understanding layer's rules, on the real router (MiniLM over the whole index). The
examples here are our own, never from the frozen development set."""

import pytest

from understanding.router import FAQ, OFF_TOPIC, mood

pytestmark = pytest.mark.slow


def test_router_tells_explain_from_do(router):
    explain = router.understand("What does a CNN do?")
    assert explain.intent == FAQ and explain.entry_id is not None
    assert router.understand("Show me a CNN learning digits").intent == "train_vision"
    assert router.understand("can I get my model as a tflite file").intent == "export_model"


@pytest.mark.parametrize("text, intent", [
    ("let's watch the one neuron example learn its line", "train_neuron"),
    ("get a convnet to learn to read handwritten numbers for me", "train_vision"),
    ("forecast a made up time series with seasonality for me", "train_timeseries"),
    ("so what can you actually do?", "help"),
    ("whats on my list of trained modles", "show_models"),
    ("stop that training please", "cancel_job"),
])
def test_router_runs_casual_requests_and_typos(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("show me a time series model beating the moving average baseline", "train_timeseries"),
    ("let's see a dense network on the fashion pictures", "train_vision"),
])
def test_router_runs_a_request_whose_closest_explanation_offers_that_run(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("could you run that once more with augmentation", "rerun_last"),
    ("once more please but 15 epochs", "rerun_last"),
    ("is my network overfitting now?", "ask_my_run"),
    ("and what about augmentation then?", "ask_my_run"),
    ("why did my accuracy come out like that", "ask_my_run"),
    ("what is overfitting", FAQ),  # about the concept, not their run
    ("how does dropout work", FAQ),
])
def test_router_sends_follow_ups_about_the_last_training_to_the_rerun_and_my_run_intents(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text", [
    "my fashion model friend wants tips for her first runway show",
    "neuroscience homework: what does the myelin sheath of a neuron do",
    "how long does it take to train a puppy to sit",
    "which train goes from Dublin to Cork",
    "the transformer on the pole outside my house is humming",
    "center a div with css grid",
])
def test_router_declines_near_misses_and_other_programming(router, text):
    assert router.understand(text).intent == OFF_TOPIC


@pytest.mark.parametrize("text, other_world", [
    ("my doctor found something in my sigmoid colon, what does that mean", True),
    ("which states have the worst high school dropout rate", True),
    ("how do you pick the batch size for sourdough loaves", True),
    ("what does the sigmoid activation do", False),
    ("what dropout rate should my CNN use", False),
])
def test_router_answers_a_message_naming_another_world_only_from_a_very_close_entry(router, text, other_world):
    assert (router.understand(text).intent == OFF_TOPIC) is other_world


@pytest.mark.parametrize("text", [
    "how do liquid state machines differ from echo state networks?",
    "what are capsule networks and how does routing between capsules work",
    "is a hypernetwork a network that writes another network's weights?",
    "how do kolmogorov arnold networks differ from a multi-layer perceptron",
    "how do graph neural networks pass messages",  # off-topic's biology neurons come first
])
def test_router_says_not_sure_rather_than_declining_an_unknown_question_in_ml_only_terms(router, text):
    u = router.understand(text)
    assert u.intent == FAQ and u.entry_id is None, (u.intent, u.entry_id, u.closest[:1])


def test_router_declines_a_request_to_make_fake_reviews_though_the_sentiment_skill_is_near(router):
    assert router.understand("write 100 fake glowing reviews for my bakery").intent == OFF_TOPIC
    assert router.understand("train a model that spots fake reviews").intent != OFF_TOPIC


def test_router_still_declines_a_clearly_off_topic_request_that_names_an_ml_term(router):
    assert router.understand("train a neural network to crack my neighbour's wifi password").intent == OFF_TOPIC


def test_router_answers_a_pasted_traceback_with_its_error_entry_never_a_command(router):
    paste = ('Traceback (most recent call last):\n  File "fit.py", line 9, in <module>\n'
             '    model.fit(xs, ys)\nValueError: Input 0 of layer "conv2d_3" is incompatible with '
             "the layer: expected min_ndim=4, found ndim=3. Full shape received: (None, 64, 64)")
    decision = router.understand(paste)
    assert decision.paste == "error" and decision.intent == FAQ
    entry = router.entries[decision.entry_id]
    assert "ndim" in " ".join(entry.errors) or "channel" in entry.answer.lower()


def test_router_tells_shape_errors_apart_by_how_the_shapes_relate(router):
    """Numbers are replaced before matching, so only the shapes' relation separates these."""
    line = 'ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected shape={}, found shape={}'
    wrong_size = router.understand(line.format("(None, 256, 256, 3)", "(None, 128, 128, 3)"))
    no_batch = router.understand(line.format("(None, 128, 128, 3)", "(None, 128, 3)"))
    assert wrong_size.entry_id != no_batch.entry_id
    assert "batch" in router.entries[no_batch.entry_id].answer.lower()
    assert "resiz" in router.entries[wrong_size.entry_id].answer.lower()


def test_router_reads_which_api_a_pasted_error_came_from_in_its_code_line(router):
    paste = ("converter = tf.lite.TFLiteConverter.from_saved_model('/home/me/export')\n"
             "OSError: SavedModel file does not exist at: /home/me/export/{saved_model.pbtxt|saved_model.pb}")
    entry = router.entries[router.understand(paste).entry_id]
    assert "from_saved_model" in entry.answer and "hub" not in entry.id


def test_router_reads_a_pasted_code_fragment_as_a_question_about_it(router):
    decision = router.understand("model.add(tf.keras.layers.MaxPooling2D(2, 2))\nwhat is this line for")
    assert decision.paste == "code" and decision.intent == FAQ
    assert "pool" in (decision.entry_id + router.entries[decision.entry_id].topic).lower()


def test_router_answers_about_the_line_a_code_question_points_at(router):
    fragment = ("model = tf.keras.Sequential([\n"
                "    tf.keras.layers.Conv2D(64, (3,3), activation='relu', input_shape=(28, 28, 1)),\n"
                "    tf.keras.layers.MaxPooling2D(2, 2),\n    tf.keras.layers.Flatten(),\n"
                "    tf.keras.layers.Dense(10, activation='softmax')\n])\n")
    assert "pool" in router.understand(fragment + "what does the middle line do").entry_id
    assert "softmax" in router.understand(fragment + "why softmax on the last one").entry_id


def test_router_runs_a_request_whose_best_command_leads_what_it_could_answer_or_decline(router):
    # no entry is close enough to answer and off-topic is far behind: the request is not declined
    text = ("before we start on anything hard, I'd like to see the most basic training possible happen "
            "on a few number pairs")
    assert router.understand(text).intent == "train_neuron"


def test_router_runs_what_a_question_asked_about_when_told_to_go_ahead(router):
    text = "could we start from an already trained network instead of from nothing? do that"
    assert router.understand(text).intent == "train_transfer"
    assert router.understand("could we start from an already trained network instead of from nothing?").intent == "faq"


def test_router_answers_a_symptom_instead_of_running_the_skill(router):
    decision = router.understand("my digits classifier is stuck at 10% accuracy whatever I do")
    assert decision.intent == FAQ and decision.entry_id is not None


def test_mood_reads_requests_questions_and_described_symptoms():
    assert mood("train a cnn please") == "do"
    assert mood("could you forecast a series for me") == "do"
    assert mood("what is a cnn") == "ask"
    assert mood("my loss keeps going up") == "ask"


def test_router_answers_quoted_train_and_validation_numbers_with_overfitting_not_chance_accuracy(router):
    u = router.understand("my dense net: 99% accuracy on training data, 64% on the validation set. why?")
    assert u.intent == FAQ and u.entry_id in {"overfitting", "sym-train-perfect-test-bad"}, (u.entry_id, u.closest)


@pytest.mark.parametrize("text, intent", [
    ("bundle the model I just trained into a tflite file", "export_model"),  # closest: the TFLite entry
    ("reuse a pretrained image network and put a new head on it for me", "train_transfer"),
    ("i need a network that recognises handwritten digits", "train_vision"),
    ("spin up the y = 2x - 1 neuron demo", "train_neuron"),
])
def test_router_runs_a_request_in_everyday_imperatives_even_when_an_explanation_is_closest(router, text, intent):
    assert router.understand(text).intent == intent


def test_router_reads_a_wh_question_with_would_you_as_a_question_not_a_run(router):
    u = router.understand("what architecture would you pick for my sentiment task")
    assert u.intent == FAQ and u.entry_id is not None, (u.intent, u.closest)


@pytest.mark.parametrize("text", [
    "why use a pretrained model",
    "why would i export to tflite at all",
])
def test_router_answers_a_why_question_about_a_skill_rather_than_running_it(router, text):
    u = router.understand(text)
    assert u.intent == FAQ and u.entry_id is not None, (u.intent, u.closest[:1])


@pytest.mark.parametrize("text", [
    "how does an lstm write poems",
    "what does a pretrained model already know",
    "what is a mood detector in nlp",
])
def test_router_explains_how_a_skill_works_when_asked_what_is_or_how_does(router, text):
    u = router.understand(text)
    assert u.intent == FAQ and u.entry_id is not None, (u.intent, u.closest[:1])


def test_mood_reads_whether_two_parts_go_together_as_a_question():
    assert mood("can you use dropout with an lstm") == "ask"
    assert mood("can I use dropout in an LSTM?") == "ask"
    assert mood("could we add batch norm after a conv layer") == "ask"
    assert mood("can you train a cnn with dropout 0.3") == "do"
    assert mood("can you use a pretrained model for my photos") == "do"


def test_mood_reads_a_verb_followed_by_is_as_a_noun_not_an_imperative():
    assert mood("forecast is great on the training years, awful later") != "do"
    assert mood("forecast the next 30 days") == "do"


@pytest.mark.parametrize("text", [
    "how do nerve cells fire in the brain, it's for my biology exam",
    "my tesla makes a clunk over speed bumps",
    "what weights should i use at the gym for squats",
    "order me a pizza with extra cheese",
    "my ubuntu kernel update broke the boot",
])
def test_router_declines_a_message_with_no_machine_learning_sense_rather_than_asking_staff(router, text):
    u = router.understand(text)
    assert u.intent == OFF_TOPIC, (u.intent, u.entry_id, u.closest[:1])


@pytest.mark.parametrize("text", [
    "how many layers should my cnn have",
    "what batch size should i pick for fashion mnist",
    "what does the kernel size of a conv layer change",
    "how do i deploy a trained model to a phone",
    "do i need a gpu to train a small image model",
    "how many epochs until my model stops improving",
])
def test_router_never_declines_a_machine_learning_question_that_uses_a_shared_word(router, text):
    assert router.understand(text).intent != OFF_TOPIC


@pytest.mark.parametrize("text, intent", [
    ("put the digits convnet on my android phone", "export_model"),
    ("I want the sentiment model running in node.js", "export_model"),
    ("we collected a year of daily visitor counts with weekly swings, so forecast a synthetic one like it",
     "train_timeseries"),
    ("hlep", "help"),
    ("lessns", "list_lessons"),
])
def test_router_runs_platform_exports_scene_then_request_and_misspelt_commands(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text", [
    "how would I train a single neuron on y = 2x - 1 myself",
    "can I run a keras model on a raspberry pi?",
])
def test_router_explains_how_to_do_it_yourself_and_whether_it_is_possible(router, text):
    assert router.understand(text).intent == FAQ


@pytest.mark.parametrize("text, intent", [
    ("get the clothing classifier onto my website", "export_model"),  # a site is a platform
    ("turn the poem writer into something my react app runs client side", "export_model"),
    ("start my bird photos from a pretrained vision model please", "train_transfer"),  # reuse, not a CNN from zero
    ("fine-tune a pre-trained net on my three kinds of leaves", "train_transfer"),
])
def test_router_reads_a_platform_as_the_export_and_a_pretrained_start_as_transfer(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text", [
    "can you explain what transfer learning keeps from the pretrained model",
    "could you describe how tf.js runs a model in the browser",
])
def test_router_answers_an_explanation_asked_for_with_can_you(router, text):
    assert router.understand(text).intent == FAQ


@pytest.mark.parametrize("text", [
    "what loss should I use for a model that estimates a car's fuel consumption?",
    "can I deploy my model on a linux server?",
    "why does my network get worse when I add more layers, like overtraining at the gym?",
])
def test_an_entry_that_answers_stands_beside_another_worlds_word(router, text):
    """domain.other_sense only turns "not sure" into a decline: a word list never overrides an answer."""
    found = router.understand(text)
    assert found.intent == FAQ and found.entry_id is not None


@pytest.mark.parametrize("text", ["the kernel update broke my ubuntu boot", "best weights routine at the gym"])
def test_router_still_declines_another_worlds_request(router, text):
    assert router.understand(text).intent == OFF_TOPIC


@pytest.mark.parametrize("text, intent", [  # round 5 (a development set since round 6): "not sure" before
    ("run that baby example where the computer works out the line formula from a handful of number pairs",
     "train_neuron"),
    ("make something that can tell a sandal from a pullover in those tiny grey 28 pixel pics", "train_vision"),
])
def test_router_runs_a_near_command_for_a_request_no_entry_is_close_enough_to_answer(router, text, intent):
    assert router.understand(text).intent == intent


def test_router_still_declines_an_everyday_request_that_reads_like_a_run(router):
    assert router.understand("Write my cover letter for a barista job.").intent == OFF_TOPIC
    assert router.understand("write a nasty message I can send to bully a kid in my class").intent == OFF_TOPIC


@pytest.mark.parametrize("text, intent", [  # the closest entry explains; its offer is what to run
    ("run a windowed dense model on the sunspot series and tell me its mae against the naive forecast",
     "train_timeseries"),
    ("train a sentiment classifier on the sarcasm headlines and show me the validation accuracy",
     "train_sentiment"),
])
def test_router_runs_the_best_entrys_offer_when_the_message_opens_with_a_run_verb(router, text, intent):
    assert router.understand(text).intent == intent


def test_router_answers_a_yes_no_question_about_the_book_instead_of_running_an_export(router):
    found = router.understand("will this book suit me if I've mostly written javascript and little python?")
    assert found.intent == FAQ and found.entry_id is not None


@pytest.mark.parametrize("text", ["what does a pooling stitch mean in my sewing pattern",
                                  "is tensor a word I can play in scrabble",
                                  "how do I convolve two audio signals in matlab"])
def test_router_declines_a_shared_word_in_crafts_games_or_signal_coursework(router, text):
    assert router.understand(text).intent == OFF_TOPIC


def test_router_weighs_the_learners_own_question_beside_the_code_it_pastes(router):
    text = ("base = tf.keras.applications.InceptionV3(include_top=False, weights='imagenet')\n"
            "for layer in base.layers:\n    layer.trainable = False\n"
            "why do we stop these layers from learning, wont that hurt on my own photos?")
    assert router.understand(text).entry_id == "code-trainable-false"


@pytest.mark.parametrize("text", ["have I finished the text generation lesson yet",
                                  "did i ever get through the time series part? show my stats"])
def test_router_shows_progress_when_asked_whether_a_part_of_the_course_is_done(router, text):
    assert router.understand(text).intent == "lesson_progress"


def test_router_declines_an_ml_name_used_inside_another_world_with_half_the_off_topic_lead(router):
    assert router.understand("is tensorflow a valid word in scrabble").intent == OFF_TOPIC
    on_topic = router.understand("my keras model of stock prices gives a nan loss after two epochs")
    assert on_topic.intent == FAQ and on_topic.entry_id is not None


@pytest.mark.parametrize("text", ["how many epochs are enough", "is 100 epochs too many for my model?"])
def test_router_answers_how_many_epochs_instead_of_rerunning_the_last_training(router, text):
    found = router.understand(text)
    assert found.intent == FAQ and found.entry_id == "k-how-many-epochs"
