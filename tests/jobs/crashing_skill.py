"""A skill that crashes, to prove a crash reaches the learner as a failed job."""

from pydantic import BaseModel


class Params(BaseModel):
    pass


def run(params, out_dir, progress):
    progress(0.5, "halfway")
    raise ZeroDivisionError("boom inside the skill")
