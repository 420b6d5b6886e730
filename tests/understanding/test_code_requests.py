"""Pasted code with "review this" or "run my model" reaches review_code / run_my_code (issue 17);
a question about a line of pasted code stays a knowledge-base question."""

import pytest

from understanding import pastes

CODE = ("model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='mse')\nmodel.fit(x, y, epochs=5)")


@pytest.mark.parametrize("words, intent", [
    ("why doesn't this work?", "review_code"),
    ("can you review my model", "review_code"),
    ("what's wrong with it", "review_code"),
    ("my model won't train, any mistakes?", "review_code"),
    ("run my model", "run_my_code"),
    ("can you train this on your data?", "run_my_code"),
])
def test_a_code_paste_asking_for_a_review_or_a_run_names_that_intent(words, intent):
    assert pastes.code_request(f"{words}\n{CODE}") == intent
    assert pastes.code_request(f"```python\n{CODE}\n```\n{words}") == intent


@pytest.mark.parametrize("words", [
    "why 1 neuron here and not 2?",
    "what does the 64 mean",
    "is this line actually needed or just cosmetic",
    "where does the 8 come from",
    "why is this sooo slow on 60k images",
])
def test_a_question_about_the_pasted_code_is_left_to_the_knowledge_base(words):
    assert pastes.code_request(f"{CODE}\n{words}") is None


def test_the_words_of_a_message_without_code_are_left_to_the_intent_examples():
    assert pastes.code_request("run my model") is None
    assert pastes.code_request("why doesn't my model train?") is None


def test_model_fit_inside_the_code_is_not_read_as_a_request_to_fit():
    assert pastes.code_request(f"{CODE}\nmodel.fit(x_train, y_train)\nwhat does verbose do") is None


@pytest.mark.slow
def test_router_sends_code_pastes_to_review_or_run_and_plain_requests_by_their_examples(router):
    review = router.understand(f"why doesn't this work?\n```python\n{CODE}\n```")
    assert (review.intent, review.confidence, review.paste) == ("review_code", 1.0, "code")
    assert router.understand(f"```\n{CODE}\n```\nrun my model").intent == "run_my_code"
    assert router.understand(f"{CODE}\nwhat does the softmax do here?").intent == "faq"
    assert router.understand("run my model for 3 epochs").intent == "run_my_code"
    assert router.understand("please review my keras code").intent == "review_code"


def test_a_film_review_in_the_question_is_not_a_request_to_review_the_code():
    paste = "padded = pad_sequences(seqs, maxlen=85, truncating='post')\nwhat happens to a 120-word review here?"
    assert pastes.code_request(paste) is None
    assert pastes.code_request("padded = pad_sequences(seqs, maxlen=85)\ncan you review this") == "review_code"


def test_is_this_right_under_a_model_asks_for_its_review_under_another_fragment_for_its_entry():
    assert pastes.code_request(f"{CODE}\nis this right?") == "review_code"
    loop = ("for _ in range(20):\n    seq = pad_sequences([tokenizer.texts_to_sequences([seed])[0]], maxlen=9)\n"
            "    seed += ' ' + tokenizer.index_word[int(np.argmax(model.predict(seq)))]\nis this right?")
    assert pastes.code_request(loop) is None



def test_is_this_right_vetoes_a_run_under_a_model_and_a_tokenizer_layer_is_no_model():
    assert pastes.code_request(f"{CODE}\ntrain this model, is this right?") == "review_code"
    vectorizer = "vec = tf.keras.layers.TextVectorization(max_tokens=100)\nvec.adapt(texts)\nis this right?"
    assert pastes.code_request(vectorizer) is None
