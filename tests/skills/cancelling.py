"""A progress callback that cancels a skill at its first epoch report, as the worker does."""


class Cancelled(Exception):
    pass


def cancel_at_first_epoch() -> tuple:
    """(progress, notes seen): progress raises Cancelled on the first note naming an epoch."""
    seen: list[str] = []

    def progress(fraction: float, note: str) -> None:
        seen.append(note)
        if "epoch" in note:
            raise Cancelled(note)

    return progress, seen
