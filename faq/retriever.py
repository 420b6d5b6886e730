"""Find the FAQ entry a learner's question is about: nearest neighbour over sentence embeddings
of every known phrasing of every entry, and of the entry's answer text (a learner often asks in
the answer's words: "why pad sequences?" meets "Padding adds zeros..."). An entry's score is its
best-matching text's cosine.

Why embeddings and not TF-IDF or Rasa's ResponseSelector: measured on the same development set
(each indexed phrasing queried with itself hidden), TF-IDF word+char n-grams found the right
entry 46% of the time and scored an off-topic request 0.50; MiniLM embeddings 63%, with every
off-topic request below 0.37; indexing the answers too raised that to 72%. README ("FAQ brain")
has the figures.
"""

from dataclasses import dataclass

import numpy as np

from faq.knowledge import Entry


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # cosine similarity


class Retriever:
    def __init__(self, entries: list[Entry], encoder):
        self.entries = entries
        self.encoder = encoder
        texts = [(i, q, True) for i, e in enumerate(entries) for q in e.questions]
        texts += [(i, e.answer, False) for i, e in enumerate(entries)]
        self.phrasings = [text for _, text, _ in texts]
        self.owner = np.array([i for i, _, _ in texts])
        self.is_question = np.array([q for _, _, q in texts])
        self.vectors = encoder.embed(self.phrasings)

    def entry_scores(self, phrasing_scores: np.ndarray) -> np.ndarray:
        best = np.full(len(self.entries), -1.0)
        np.maximum.at(best, self.owner, phrasing_scores)
        return best

    def rank(self, phrasing_scores: np.ndarray, k: int) -> list[Match]:
        best = self.entry_scores(phrasing_scores)
        return [Match(self.entries[i], float(best[i])) for i in np.argsort(-best)[:k]]

    def search(self, text: str, k: int = 3) -> list[Match]:
        return self.rank(self.vectors @ self.encoder.embed([text])[0], k)
