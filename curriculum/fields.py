"""The lesson format's shared building blocks: id and text types, the strict base model, `next`.

Kept apart from curriculum.model so the quiz questions (curriculum.asks) and the other step
types share them without importing each other.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

END = "end"  # reserved `next`/branch target: the lesson is over

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
StepId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Scalar = bool | int | float | str


class Strict(BaseModel):
    """A lesson part: unknown fields are errors (typos show), and a loaded lesson never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def next_field() -> Any:
    return Field(default=None, description="Step id to go to next (default: the step below; "
                                           f"`{END}` finishes the lesson).")
