"""Sentence vectors with a disk cache: the index holds a few thousand phrasings, which take
MiniLM about a minute on two cores, and they rarely change between starts."""

import hashlib
import os
from pathlib import Path

import numpy as np


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class CachedEncoder:
    """Wraps an encoder (anything with embed(list[str]) -> unit rows) with an .npz cache."""

    def __init__(self, encoder, cache_file: Path | None):
        self.encoder = encoder
        self.cache_file = cache_file
        self.used: set[str] = set()
        self._cached: dict[str, np.ndarray] | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.encoder.embed(texts)

    def _cache(self) -> dict[str, np.ndarray]:
        if self._cached is None:
            self._cached = {}
            if self.cache_file and self.cache_file.exists():
                with np.load(self.cache_file) as data:
                    self._cached = {k: data[k] for k in data.files}
        return self._cached

    def embed_many(self, texts: list[str]) -> np.ndarray:
        cached = self._cache()
        keys = [_key(t) for t in texts]
        self.used.update(keys)
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in cached))
        if missing:
            for text, row in zip(missing, self.encoder.embed(missing)):
                cached[_key(text)] = row
            self.save()
        return np.stack([cached[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)

    def save(self, prune: bool = False) -> None:
        """Write the cache atomically; `prune` drops phrasings no embed_many asked for."""
        if not self.cache_file:
            return
        rows = {k: v for k, v in self._cache().items() if not prune or k in self.used}
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_file.with_name(f"{self.cache_file.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **rows)
        tmp.replace(self.cache_file)
