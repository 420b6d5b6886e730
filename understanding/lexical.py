"""TF-IDF closeness of a message to every phrasing, the small lexical term of the ranking."""

import numpy as np


class Lexical:
    """TF-IDF cosine of a message to every phrasing. Fitted by scikit-learn; a message is
    weighted here with the fitted vocabulary and idf, because sklearn's transform() spends
    about 3 ms per call validating its input, more than the whole ranking otherwise costs."""

    def __init__(self, texts: list[str], vectorizer):
        self.terms = vectorizer.fit_transform(texts).tocsc()  # columns: one term's phrasings
        self.analyzer = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_
        self.sublinear = vectorizer.sublinear_tf

    def similarity(self, text: str) -> np.ndarray:
        counts: dict[int, int] = {}
        for term in self.analyzer(text):
            column = self.vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(self.terms.shape[0])
        columns = np.fromiter(counts, dtype=np.int64)
        tf = np.fromiter(counts.values(), dtype=np.float64)
        weights = (1.0 + np.log(tf) if self.sublinear else tf) * self.idf[columns]
        weights /= np.linalg.norm(weights)
        return self.terms[:, columns] @ weights
