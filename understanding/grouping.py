"""Similar unanswered questions in groups, for the staff inbox: "how do capsule nets route?" and
"capsule networks routing explained" are one thing to answer.

Average-linkage agglomerative clustering on MiniLM cosine distance (scikit-learn's
AgglomerativeClustering), cut at a distance instead of a number of groups: staff never know how
many topics the queue holds. Average linkage keeps a chain of near neighbours from joining two
different questions through a third, as single linkage would.
"""

import numpy as np

# Average cosine similarity at which wordings are one question. Measured on the wordings in
# tests/understanding/test_grouping.py: paraphrases sit at 0.69-0.87; a different question on the
# same topic ("do capsule networks need more data than CNNs?" beside three routing questions)
# averages 0.60, and unrelated questions stay under 0.4.
SAME_QUESTION = 0.62


def group(vectors: np.ndarray, same: float = SAME_QUESTION) -> list[list[int]]:
    """Row indices in groups, biggest first (ties: the group holding the lowest index first).
    `vectors` are unit rows (a dot product is the cosine)."""
    count = len(vectors)
    if count == 0:
        return []
    if count == 1:
        return [[0]]
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=1.0 - same).fit_predict(vectors)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda members: (-len(members), members[0]))
