"""A skill that crashes, to prove a crash reaches the learner as a failed job."""

from pydantic import BaseModel

from skills.base import SkillSpec


class Params(BaseModel):
    pass


def run(params, out_dir, progress):
    progress(0.5, "halfway")
    raise ZeroDivisionError("boom inside the skill")


SPEC = SkillSpec(name="crasher", title="crash", params=Params, run=run)
