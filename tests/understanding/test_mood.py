"""understanding/mood.py: how a message asks, by pattern alone (no router)."""

import pytest

from understanding.mood import asks_how_or_why, asks_reason, mood, opens_with_run


@pytest.mark.parametrize("text", [
    "I've got a csv of hourly temperatures with a daily cycle, forecast the next week",
    "we only have 300 photos of leaves so borrow the features of a big pretrained net",
    "I have a folder of tweets; classify them as happy or sad",
])
def test_a_scene_then_a_run_verb_after_a_comma_or_so_is_a_request(text):
    assert mood(text) == "do"


@pytest.mark.parametrize("text", [
    "my val loss goes up after epoch 5, should I use dropout?",  # a question after the comma
    "my model overfits, what do I train next",  # a wh-word after the verb's clause
    "I trained it for five epochs, get the same loss every time",  # 'get' is not a run verb there
])
def test_a_described_problem_with_a_question_or_an_everyday_verb_after_the_comma_is_not_a_request(text):
    assert mood(text) != "do"


@pytest.mark.parametrize("text", [
    "how would I train a single neuron on y = 2x - 1 myself",
    "how can I build a sentiment model in my own code",
    "can I run a keras model on a raspberry pi?",
    "could we fine-tune a pretrained network instead of training from scratch?",
])
def test_how_to_do_it_yourself_and_whether_it_is_possible_are_questions(text):
    assert mood(text) == "ask"
    assert asks_how_or_why(text, "train_neuron")


@pytest.mark.parametrize("text", [
    "can I get my model as a tflite file",  # 'my model': a request for the export
    "can you train a neuron on y = 2x - 1?",  # asked of Tutor: a request
    "lemme watch the clothing classifier learn",
    "freeze the base of a pretrained net and train a new head on my flowers",
])
def test_requests_stay_requests(text):
    assert mood(text) == "do"
    assert not asks_how_or_why(text, "export_model")


@pytest.mark.parametrize("text", [
    "can you explain what the embedding layer learns",
    "could u describe how pooling works in the digits model",
    "i'd love to understand why the loss goes down",
    "walk me through how the neuron finds the weight",
    "tell me how augmentation helps, don't run anything",
])
def test_an_explanation_asked_for_politely_is_a_question_not_a_run(text):
    assert mood(text) == "ask"
    assert asks_how_or_why(text, "train_vision")


@pytest.mark.parametrize("text", [
    "movie reviews, an lstm, 20 epochs",
    "poetry generator on my lyrics file, temperature 0.5",
    "fashion mnist with dropout 0.2 and batch size 64",
    "the synthetic series with a window of 30, then go",
    "any chance you could make me a little forecaster",
    "could we train a digit reader together",
])
def test_a_model_named_with_its_settings_or_a_polite_we_is_a_request(text):
    assert mood(text) == "do"


@pytest.mark.parametrize("text", [
    "how many epochs should i train for?",  # settings in a question stay a question
    "what does temperature 0.5 do to generated text",
])
def test_settings_in_a_question_do_not_make_it_a_request(text):
    assert mood(text) != "do"


@pytest.mark.parametrize("text", [
    "accuracy went up for 5 epochs and then stayed flat for the next 40 epochs",
    "after 100 epochs with a learning rate 0.1 the loss is nan",
])
def test_settings_in_a_described_symptom_are_what_the_learner_saw_not_a_request(text):
    assert mood(text) != "do"


@pytest.mark.parametrize("text", [
    "I'd like a model that spots whether a headline is sarcastic",
    "I want what I trained to run in a web page",
    "i wanna one that writes poems",
    "piggyback on mobilenet for my own classes",
])
def test_wanting_a_thing_made_is_a_request(text):
    assert mood(text) == "do"


@pytest.mark.parametrize("text", [
    "stacked a big pretrained net on my classifier... now every epoch takes forever, why",
    "trained the poem model, it overfits in 3 epochs and the loss drags on",
    "fit the forecaster on my sales but it's always late on the peaks",
    "build it like the tutorial said and now accuracy is way worse, did i break something",
])
def test_what_the_learner_saw_after_a_run_is_a_question_though_it_opens_with_a_verb(text):
    assert mood(text) == "ask"


@pytest.mark.parametrize("text", [
    "can u train a model on shoes and sandals",
    "show me a network that overfits, now",
])
def test_a_request_that_names_an_outcome_stays_a_request(text):
    assert mood(text) == "do"


@pytest.mark.parametrize("text", ["stop words, should i remove them?", "transfer learning = ?", "embeddings?",
                                  "dropout layers, how many do I need?"])
def test_a_term_then_the_question_is_a_question_though_the_term_reads_as_a_verb(text):
    assert mood(text) == "ask"


@pytest.mark.parametrize("text", ["run the neuron, what happens?", "train a cnn?", "stop the training, is that ok?"])
def test_a_verb_with_its_object_then_a_question_is_still_a_request(text):
    assert mood(text) == "do"


@pytest.mark.parametrize("text", ["could we start from an already trained network? do that",
                                  "is a tiny neuron enough for y=2x-1? go ahead and train it"])
def test_a_question_then_the_go_ahead_is_a_request(text):
    assert mood(text) == "do"
    assert not asks_how_or_why(text, "train_transfer")


@pytest.mark.parametrize("text", ["what is dropout? and why do it", "should I do it?", "how do I do that?"])
def test_do_it_inside_a_question_is_no_go_ahead(text):
    assert mood(text) == "ask"


@pytest.mark.parametrize("text", ["export to tflite?", "run again?", "show models?",
                                  "train for 50 epochs, what happens?", "classify: is this movie good?",
                                  "train a model on my digits that misses less"])
def test_a_command_with_a_question_mark_or_a_question_after_it_stays_a_request(text):
    assert mood(text) == "do"


def test_a_run_word_inside_a_described_symptom_or_a_how_to_question_is_no_go_ahead():
    assert mood("i trained it and then try it on new photos but it's always wrong") != "do"
    text = "how would I train it myself in python, then run it"
    assert mood(text) == "ask" and asks_how_or_why(text, "train_neuron")
    assert asks_how_or_why("could you explain dropout? then train it", "train_vision")


@pytest.mark.parametrize("text", ["will this course work for me if I mostly write javascript?",
                                  "does the book suit me if I only did a bit of coding?",
                                  "is my model good enough for me to ship?"])
def test_a_yes_no_question_about_a_thing_is_a_question_though_it_says_for_me(text):
    assert mood(text) == "ask"


def test_would_it_be_possible_still_asks_for_the_run():
    assert mood("would it be possible to train a digit classifier for me?") == "do"


@pytest.mark.parametrize("text", ["run a small dense net on the sunspot numbers and report the error",
                                  "train a convnet on my flowers for 5 epochs", "please fit the one neuron model",
                                  "can you do the sunspot prediction thing", "fine tune inception on my leaf photos",
                                  "could you please train something that tells a sandal from a pullover"])
def test_a_run_verb_opening_the_message_tells_tutor_to_run(text):
    assert opens_with_run(text)


@pytest.mark.parametrize("text", ["run through what a window is", "train of thought: is a cnn a dense net?",
                                  "run a window over it, why does that help?",
                                  "can you explain why I train a model for several epochs",
                                  "train accuracy hits 99% but validation stays at 60",
                                  "run time is 40 s per epoch on my laptop", "fit is poor after 10 epochs"])
def test_a_run_verb_that_runs_nothing_or_a_question_is_no_order(text):
    assert not opens_with_run(text)


@pytest.mark.parametrize("text, reason", [
    ("my model gives 'a b' and 'b a' the same score - how??", True),
    ("why is 'not good' read as positive", True),
    ("it calls every review positive, why?", True),
    ("is this positive: how nice of you", False),
    ("tokenize: how are you", False),
])
def test_a_reason_asked_at_the_start_or_the_end_is_told_from_a_sentence_to_run_on(text, reason):
    assert asks_reason(text) is reason
