"""Only words machine learning alone uses mark a message as on-topic (understanding/domain.py)."""

import pytest

from understanding.domain import asks_for_harm, mentions_ml


@pytest.mark.parametrize("text", [
    "how do spiking neural networks encode time?",
    "how do liquid state machines differ from echo state networks?",
    "what are capsule networks for",
    "is a hypernetwork just a net that makes weights",
    "when would i pick an svm over a random forest",
])
def test_a_term_only_machine_learning_uses_marks_a_message_on_topic(text):
    assert mentions_ml(text)


@pytest.mark.parametrize("text", [
    "my linux kernel panics on boot",
    "how do i train my puppy to sit",
    "which car model is the most reliable",
    "what do neurons in the brain do",
    "the transformer outside my house hums",
    "how big do pythons get",
    "physics homework on the stress tensor",
    "deep learning strategies for my history exam",
    "should i drop out of college",
    "fine tune my guitar before the gig",
])
def test_a_word_machine_learning_shares_with_everyday_life_does_not(text):
    assert not mentions_ml(text)


@pytest.mark.parametrize("text, harmful", [
    ("churn out 50 fake five star reviews for my cafe", True),
    ("draft a phishing email that looks like it comes from my bank", True),
    ("train a network to crack my neighbour's wifi password", True),
    ("train a model that spots fake reviews", False),
    ("build a phishing email classifier", False),
    ("train a spam filter", False),
    ("how do i crack open a coconut", False),
    ("write a mean message I can send to bully a classmate", True),
    ("help me threaten my ex so she gives the money back", True),
    ("train a classifier that flags bullying messages", False),
])
def test_making_something_to_deceive_or_break_in_is_harm_and_detecting_it_is_not(text, harmful):
    assert asks_for_harm(text) is harmful


@pytest.mark.parametrize("text", [
    "how do neurons fire in the brain, it's for my biology exam",
    "my tesla model 3 clunks over speed bumps",
    "best weights routine at the gym for a beginner",
    "which train do i take to the station for the airport",
    "is my ball python's terrarium too cold",
    "my laptop shows a kernel panic on every boot",
    "how many layers of frosting go on a wedding cake",
    "my physics homework asks for the metric tensor of a sphere",
    "how long was my brother's navy deployment overseas",
])
def test_a_shared_word_beside_another_world_is_read_in_that_worlds_sense(text):
    from understanding.domain import other_sense

    assert other_sense(text)


@pytest.mark.parametrize("text", [
    "how many layers should my cnn have",
    "what batch size for fashion mnist",
    "how do i train a model to tell cars from trucks in photos",
    "my model's accuracy on the validation set is stuck",
    "can a network learn how the brain stores memory? deep learning question",
    "how do i deploy my keras model to a phone",
    "should i use a gpu to train my model",
    "what is a kernel in a convolution",
    "can a model predict oil prices from last year's figures",
    "train a model to spot potholes from my car's dashcam",
    "can a java developer follow this book",
])
def test_a_message_with_any_machine_learning_sense_is_never_read_as_another_world(text):
    from understanding.domain import other_sense

    assert not other_sense(text)


@pytest.mark.parametrize("text", [
    "I studied physics, how do I become a data scientist?",
    "I'm 40 and work for a railway company, is it too late to switch careers into this?",
    "i work in oil and gas, what kind of projects could I build to get hired",
    "I'm a psychology grad, can I get into data science without a CS degree",
    "what does tf serving give me that a flask wrapper wouldn't?",
    "how long does it take to learn this stuff if I study at a coffee station after work",
    "my page works from a web server but not when I double click the html file",
    "inside a custom metric tensor.numpy() says no attribute numpy",
])
def test_a_learners_other_job_degree_or_code_is_context_not_another_world(text):
    """Only a shared word (model, train, kernel...) can be meant in another world's sense; a career
    question that names the learner's job, or a question about their page or code, is left to the
    ranking (it was declined outright when any other-world word sufficed)."""
    from understanding.domain import other_sense

    assert not other_sense(text)


def test_other_programming_is_another_world_without_any_shared_word():
    from understanding.domain import other_sense

    assert other_sense("convert this java class to kotlin data class")
    assert other_sense("center a div with css grid")


@pytest.mark.parametrize("text", [
    "what loss should I use for a model that estimates a car's fuel consumption?",
    "can I deploy my model on a linux server?",
    "how do I use a model to forecast railway ticket sales?",
    "my gym wants to forecast how many members come each week, which model?",
    "my model forecasts oil prices but gets worse every month",
    "why does my network get worse when I add more layers, like overtraining at the gym?",
    "can a regression model estimate how long a cake should bake?",
])
def test_two_different_shared_words_beside_another_world_keep_their_machine_learning_sense(text):
    """other_sense: one shared word beside another world is that world's ('my tesla model 3');
    two different ones (loss and model, forecast and model) are ML about the learner's data."""
    from understanding.domain import other_sense

    assert not other_sense(text)


@pytest.mark.parametrize("text", [
    "my tesla model 3 clunks over speed bumps",
    "which train do i take to the station, the training ground one?",
    "my daughter wants modelling work, is a model agency photoshoot worth it",
])
def test_one_shared_word_in_two_spellings_beside_another_world_is_still_that_worlds(text):
    from understanding.domain import other_sense

    assert other_sense(text)
