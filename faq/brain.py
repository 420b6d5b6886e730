"""The FAQ brain as the action server uses it: the retriever plus the chosen threshold."""

from dataclasses import dataclass

from faq.evaluate import load_threshold
from faq.knowledge import Entry, load
from faq.retriever import Match, Retriever


@dataclass
class FaqBrain:
    retriever: Retriever
    threshold: float

    @classmethod
    def load(cls) -> "FaqBrain":
        from faq.encoder import Encoder

        return cls(Retriever(load(), Encoder()), load_threshold())

    def ask(self, text: str, k: int = 3) -> tuple[Match | None, list[Match]]:
        """The confident answer (or None) and the k closest entries."""
        matches = self.retriever.search(text, k)
        return (matches[0] if matches[0].score >= self.threshold else None), matches

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.retriever.entries if e.id == entry_id), None)
