"""The generated Rasa files: the faq intent's examples and the AMA test stories."""

import yaml

from faq.build_nlu import clean, render, render_stories
from faq.knowledge import load
from faq.replay import ama_questions


def test_faq_intent_holds_every_phrasing_of_every_entry():
    examples = {line[2:] for line in yaml.safe_load(render())["nlu"][0]["examples"].splitlines()}
    assert examples == {clean(q) for e in load() for q in e.questions}


def test_every_ama_question_becomes_a_test_story_routed_to_the_faq_action():
    stories = yaml.safe_load(render_stories())["stories"]
    assert len(stories) == len(ama_questions())
    for story, (_, question, _) in zip(stories, ama_questions()):
        user, action = story["steps"]
        assert user["intent"] == "faq" and action["action"] == "action_answer_question"
        assert " ".join(question.split())[:40].replace('"', "'") in user["user"]
