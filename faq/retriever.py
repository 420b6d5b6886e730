"""Find the FAQ entry a learner's question is about: nearest neighbour over sentence embeddings
of every known phrasing of every entry, and of the entry's answer text (a learner often asks in
the answer's words: "why pad sequences?" meets "Padding adds zeros...").

A phrasing's score is its MiniLM cosine plus a small TF-IDF word/bigram cosine (exact terms
such as "TF Serving" or "pretrained" count for a little more than meaning alone gives them).
An entry's score is its best phrasing's, nudged towards its second best, so one lucky phrasing
counts for a little less than two good ones.

Why: measured on the same development set (each indexed phrasing queried with itself hidden),
TF-IDF alone found the right entry 46% of the time, MiniLM 63%, MiniLM over questions and
answers 72%, with the phrasings of data/faq 74.1%; the lexical term and second-best nudge,
weights chosen on that set, 76.5%. README ("FAQ brain") has the figures.
"""

from dataclasses import dataclass

import numpy as np

from faq.knowledge import Entry

LEXICAL_WEIGHT = 0.15
SECOND_BEST_WEIGHT = 0.1


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # combined similarity, about 0..1.15


class Retriever:
    def __init__(self, entries: list[Entry], encoder):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.entries = entries
        self.encoder = encoder
        texts = [(i, q, True) for i, e in enumerate(entries) for q in e.questions]
        texts += [(i, e.answer, False) for i, e in enumerate(entries)]
        self.phrasings = [text for _, text, _ in texts]
        self.owner = np.array([i for i, _, _ in texts])
        self.is_question = np.array([q for _, _, q in texts])
        self.vectors = encoder.embed(self.phrasings)
        self.tfidf = TfidfVectorizer(ngram_range=(1, 2), stop_words="english").fit(self.phrasings)
        self.terms = self.tfidf.transform(self.phrasings)
        # For each entry, the indices of its phrasings (for the second-best score).
        self._members = [np.flatnonzero(self.owner == i) for i in range(len(entries))]

    def similarity_matrix(self) -> np.ndarray:
        """Every phrasing against every other, for the development set."""
        lexical = (self.terms @ self.terms.T).toarray()
        return self.vectors @ self.vectors.T + LEXICAL_WEIGHT * lexical

    def phrasing_scores(self, text: str) -> np.ndarray:
        lexical = (self.terms @ self.tfidf.transform([text]).T).toarray().ravel()
        return self.vectors @ self.encoder.embed([text])[0] + LEXICAL_WEIGHT * lexical

    def entry_scores(self, phrasing_scores: np.ndarray) -> np.ndarray:
        scores = np.empty(len(self.entries))
        for i, members in enumerate(self._members):
            top = np.sort(phrasing_scores[members])[::-1][:2]
            second = top[1] if len(top) > 1 else top[0]
            scores[i] = top[0] + SECOND_BEST_WEIGHT * (second - top[0])
        return scores

    def rank(self, phrasing_scores: np.ndarray, k: int) -> list[Match]:
        best = self.entry_scores(phrasing_scores)
        return [Match(self.entries[i], float(best[i])) for i in np.argsort(-best)[:k]]

    def search(self, text: str, k: int = 3) -> list[Match]:
        return self.rank(self.phrasing_scores(text), k)
