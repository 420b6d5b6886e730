"""Grouping unanswered questions (understanding/grouping.py) on real MiniLM vectors: paraphrases
of one question group together, another question on the same topic stays apart."""

import numpy as np

from understanding.grouping import SAME_QUESTION, group

ROUTING = ["how do capsule networks route between layers?", "capsule network routing explained",
           "what is dynamic routing in capsule nets"]
DATA = "do capsule networks need more data than cnns"
WINE = ["how do I get red wine out of a carpet", "wine stain on my rug how to clean"]
HUM = ["my utility pole transformer is humming", "why does the transformer on the pole hum"]
ATTENTION = ["what is the attention mechanism in transformers", "how does self attention work in a transformer model"]


def test_paraphrases_group_and_a_different_question_on_the_topic_stays_apart(router):
    texts = ROUTING + [DATA] + WINE + HUM + ATTENTION
    groups = [[texts[i] for i in members] for members in group(router.encoder.embed(texts))]
    assert groups == [ROUTING, WINE, HUM, ATTENTION, [DATA]]  # biggest first


def test_the_threshold_sits_between_paraphrases_and_different_questions(router):
    vectors = router.encoder.embed(ROUTING + [DATA])
    paraphrase = min(float(vectors[i] @ vectors[j]) for i in range(3) for j in range(3))
    different = float(np.mean(vectors[:3] @ vectors[3]))
    assert different < SAME_QUESTION < paraphrase


def test_no_questions_no_groups_and_one_question_is_its_own_group():
    assert group(np.zeros((0, 384))) == []
    assert group(np.ones((1, 384)) / np.sqrt(384)) == [[0]]
