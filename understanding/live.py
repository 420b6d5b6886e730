"""The router Rasa's NLU component asks, rebuilt when staff change what Tutor knows.

The staff page writes faq.staff's file (new answers, phrasings, off-topic wordings). Each message
first compares that file's stat signature with the one the router was built from (about a
microsecond); when it changed, the router is rebuilt before that message is ranked, from the
project files parsed at start-up plus the new staff file, so the first message after a staff
edit already sees it (docs/decisions.md, D38). Only the new phrasings are embedded; the rest
comes from the vector cache. A staff file that does not parse keeps the previous router.
"""

import logging
import threading
import time
from pathlib import Path

from faq import staff
from understanding.build import Sources, assemble
from understanding.router import Router

log = logging.getLogger(__name__)


class LiveRouter:
    def __init__(self, src: Sources, cached, staff_file: Path):
        self.src = src
        self.cached = cached
        self.staff_file = staff_file
        self._lock = threading.Lock()
        self._signature = staff.signature(staff_file)
        self._router = assemble(src, cached, staff.read(staff_file))
        # Staff phrasings are embedded in memory only: saving the whole vector cache (about
        # 10 MB) took longer than the rest of a rebuild, and they are re-embedded at the next start.
        cached.cache_file = None
        self.rebuilds = 0
        self.last_rebuild_seconds: float | None = None

    def current(self) -> Router:
        if staff.signature(self.staff_file) != self._signature:
            with self._lock:
                signature = staff.signature(self.staff_file)
                if signature != self._signature:
                    self._rebuild(signature)
        return self._router

    def _rebuild(self, signature: tuple[int, int] | None) -> None:
        started = time.monotonic()
        try:
            knowledge = staff.read(self.staff_file)
            self._router = assemble(self.src, self.cached, knowledge, self._router.offer_intents)
        except (ValueError, OSError) as exc:  # a broken file: keep answering with what we had
            log.error("staff knowledge %s not loaded, keeping the previous one: %s", self.staff_file, exc)
        self._signature = signature
        self.rebuilds += 1
        self.last_rebuild_seconds = time.monotonic() - started
        log.info("understanding layer reloaded staff knowledge in %.2f s", self.last_rebuild_seconds)


def start(cache_file: Path | None, staff_file: Path, encoder=None, root: Path | None = None) -> LiveRouter:
    """The live router over the project's files (what bot/understanding_component.py runs)."""
    from threadpoolctl import threadpool_limits

    from understanding.build import ROOT, default_encoder, sources
    from understanding.vectors import CachedEncoder

    live = LiveRouter(sources(root or ROOT), CachedEncoder(encoder or default_encoder(), cache_file), staff_file)
    threadpool_limits(limits=1, user_api="blas")  # as understanding.build.build
    return live
