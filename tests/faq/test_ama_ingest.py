"""AMA pairing pinned on the archive's tricky entries (faq/ama_ingest.py docstring has the rules)."""

import pytest

from faq import ama_ingest as ingest


@pytest.fixture(scope="module")
def items():
    return ingest.build_items(ingest.load_posts(ingest.ARCHIVE.read_text(encoding="utf-8")))


def _item_with(items, question_start):
    found = [i for i in items if any(q.startswith(question_start) for q in i.questions)]
    assert len(found) == 1, f"{question_start!r} is in {len(found)} items"
    return found[0]


def test_ama_one_answer_covers_four_posts_by_the_same_person(items):
    item = _item_with(items, "How much theory do you cover")
    assert item.asker == "Matthew Emerick"
    assert len(item.questions) == 4
    assert item.answer.startswith("Almost no math!")


def test_ama_one_post_with_two_answers_gets_both_joined(items):
    item = _item_with(items, "Laurence Moroney Looks like a fun read!")
    assert item.answer.startswith("Deployment is what generally differentiates TF")
    assert "TF-Lite Micro into the book" in item.answer


def test_ama_unaddressed_author_post_continues_the_answer_before_it(items):
    item = _item_with(items, "Laurence Moroney, thank you for presenting your book.")
    assert item.answer.endswith("it assumes no prior knowledge, particularly of data science.")


def test_ama_an_aside_to_everybody_is_not_an_answer_but_an_item_of_its_own(items):
    asides = [i for i in items if "small factoid for everybody" in i.answer]
    assert len(asides) == 1 and asides[0].asker is None and asides[0].questions == []
    assert asides[0].answer.startswith("By the way, small factoid")  # nothing else joined to it


def test_ama_single_answer_takes_only_the_question_it_shares_words_with(items):
    serving = _item_with(items, 'Laurence Moroney I wonder if the book covers contents from your course')
    assert serving.answer.startswith("It predates 'Advanced Techniqes'")
    architecture = _item_with(items, "Hello again, Laurence Moroney")
    assert architecture.answer.startswith("For NLP layers, it really depends.")


def test_ama_two_answers_in_a_row_pair_with_two_open_questions_in_order(items):
    deploy = _item_with(items, "Laurence Moroney you used Python to train models")
    assert deploy.answer.startswith("Because of *where* they are deployed.")
    future = _item_with(items, "Laurence Moroney I'm just curious about your predictions")
    assert future.answer.startswith("I think Python will be the primary one")


def test_ama_follow_up_question_in_replies_gets_the_reply_answer(items):
    item = _item_with(items, "Just a quick follow up question here")
    assert item.answer == "Ideally both, but if you're a developer, it's best to start with the code."


def test_ama_answer_addressed_without_dashes_is_still_paired(items):
    item = _item_with(items, "Laurence Moroney since you mentioned the book focuses on Android")
    assert item.answer.startswith("They're not really the \"focus\" of the book.")


@pytest.mark.parametrize("text", [
    "Welcome Laurence Moroney",  # greeting
    "Got it! This was very helpful.",  # thanks and a comment
    "Thanks Laurence Moroney, that's interesting to hear.",  # comment in replies
    "Laurence Moroney thanks again for this amazing opportunity.",
])
def test_ama_greetings_thanks_and_comments_are_not_faq_items(items, text):
    assert not any(q.startswith(text) for i in items for q in i.questions)
    assert not any("Music is a great point" in i.answer for i in items)


def test_ama_answers_are_clean_verbatim_text(items):
    darya = _item_with(items, "Hi, Laurence Moroney thanks a lot")
    assert "NLP->SQL type querying" in darya.answer and "&gt;" not in darya.answer
    for item in items:
        assert item.asker is None or not item.answer.startswith(item.asker), item.id
        assert "\n" not in item.answer.split("\n\n")[0][:40]  # folded lines are joined


def test_ama_every_question_is_paired_and_ids_are_stable_and_unique(items):
    assert len(items) == 34 and sum(len(i.questions) for i in items) == 36
    assert len({i.id for i in items}) == len(items)
    again = ingest.build_items(ingest.load_posts(ingest.ARCHIVE.read_text(encoding="utf-8")))
    assert [i.id for i in again] == [i.id for i in items]


def test_ama_data_file_is_regenerated_from_the_archive(items):
    """data/faq/ama.yml must be what the ingest writes now: no hand edits, no drift."""
    assert ingest.OUTPUT.read_text(encoding="utf-8") == ingest.render(items)


def test_ama_archive_copy_is_the_original_seed_byte_for_byte():
    """The SHA-256 of shared/seeds/000_2976df4449bb842a.txt, the archive as delivered."""
    import hashlib

    digest = hashlib.sha256(ingest.ARCHIVE.read_bytes()).hexdigest()
    assert digest == "a1d6a2f737ce308aab2398edb45a46b94cdfc4f50b83ed133c2fffa48ed3839a"
