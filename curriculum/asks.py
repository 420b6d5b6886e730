"""Quiz questions in a lesson: multiple choice and short answers, and how a reply is judged.

Split from curriculum.model (the other step types and the lesson) because judging a reply is
most of the format's logic: option look-up, accepted forms, foreseen wrong answers, and the
words an open question must not let an FAQ answer give away.
"""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from curriculum import answers
from curriculum.answers import normalize_answer, plain_dashes
from curriculum.fields import ShortText, StepId, Strict, Text, next_field
from curriculum.patterns import check_pattern
from curriculum.patterns import matches as pattern_matches


class Option(Strict):
    """One answer of a multiple-choice question."""

    id: StepId = Field(description="Short id the learner may type, e.g. a, b, c (buttons show the text).")
    text: ShortText = Field(description="What the option's button shows.")
    correct: bool = False
    feedback: Text | None = Field(default=None, description="Said when the learner picks it. On a wrong "
                                                            "option: why it is wrong, never the answer.")
    synonyms: list[ShortText] = Field(default_factory=list,
                                      description="Other ways a learner may type this option, e.g. ten for 10.")

    def named_by(self, reply: str) -> bool:
        """The reply is this option's text or a synonym (digits or number words alike)."""
        wanted = normalize_answer(reply)
        return wanted in {normalize_answer(form) for form in (self.text, *self.synonyms)}

    def found_in(self, reply: str) -> bool:
        """The option's words (not a bare number) appear in a sentence: "I think only the training images"."""
        return any(answers.number(form) is None and answers.contains(reply, form)
                   for form in (self.text, *self.synonyms))


class WrongAnswer(Strict):
    """A wrong short answer learners often give, and why it is wrong."""

    answers: list[ShortText] = Field(min_length=1, description="The wrong answers, compared like accept.")
    feedback: Text = Field(description="Why that answer is wrong; said while tries remain, so never the answer.")


class AskStep(Strict):
    """A quiz question (shared fields of both kinds)."""

    type: Literal["ask"]
    id: StepId
    question: Text
    hints: list[ShortText] = Field(default_factory=list,
                                   description="Given one by one after wrong tries (never the answer).")
    retries: int = Field(default=1, ge=0, le=10, description="Tries allowed after the first.")
    feedback_correct: Text | None = None
    avoid: list[ShortText] = Field(default_factory=list, description=(
        "Words that give the answer away: an FAQ answer containing one is held back while this "
        "question is open (the accepted answers and the correct options are always held back)."))
    next: StepId | None = next_field()

    def giveaways(self) -> list[str]:
        """What a text said while this question is open must not contain."""
        return list(self.avoid)


class ChoiceAsk(AskStep):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=10)

    def option_for(self, answer: str) -> Option | None:
        """The option a learner's reply names: its text or a synonym (what the buttons show comes
        first, so "10" is the option reading 10), its id, its number (1, 2, ...) unless the
        options are numbers, or its words found once in a sentence."""
        wanted = normalize_answer(answer)
        by_text = [option for option in self.options if option.named_by(answer)]
        if by_text:
            return by_text[0]
        numeric = any(answers.number(option.text) is not None for option in self.options)
        for number, option in enumerate(self.options, start=1):
            if wanted == normalize_answer(option.id) or (wanted == str(number) and not numeric):
                return option
        found = [option for option in self.options if option.found_in(answer)]
        return found[0] if len(found) == 1 else None

    @property
    def correct_options(self) -> list[Option]:
        return [option for option in self.options if option.correct]

    def giveaways(self) -> list[str]:
        return [form for option in self.correct_options for form in (option.text, *option.synonyms)
                if answers.number(form) is None] + list(self.avoid)


def _check_accept(item: str) -> str:
    if item.startswith("re:"):
        check_pattern(item[3:])
    elif not normalize_answer(item):
        raise ValueError(f"the accepted answer '{item}' has no letters or digits")
    return item


AcceptItem = Annotated[ShortText, AfterValidator(_check_accept)]


class ShortAsk(AskStep):
    kind: Literal["short"]
    accept: list[AcceptItem] = Field(
        min_length=1, description="Accepted answers (the first is the one shown as the answer), found "
                                  "in the reply ignoring case, spaces and punctuation; numbers and "
                                  "formulas in x compare by value; `re:<pattern>` is a regular "
                                  "expression searched in the reply.")
    synonyms: list[AcceptItem] = Field(default_factory=list,
                                       description="Other words for the answer, accepted like accept.")
    wrong_answers: list[WrongAnswer] = Field(default_factory=list, description=(
        "Wrong answers learners often give, each with why it is wrong (said while tries remain)."))
    feedback_wrong: Text | None = Field(default=None, description=(
        "Said with the answer after the last wrong try or on \"show me the answer\"; may reveal it."))

    @property
    def forms(self) -> list[str]:
        return [*self.accept, *self.synonyms]

    def accepts(self, answer: str) -> bool:
        """Whether a learner's reply gives one of `accept` or `synonyms` (curriculum.answers)."""
        spaced = " ".join(plain_dashes(answer).split())
        for item in self.forms:
            if item.startswith("re:"):
                if pattern_matches(item[3:], spaced):
                    return True
            elif answers.matches(item, answer):
                return True
        return False

    def feedback_for(self, answer: str) -> str | None:
        """Why this wrong answer is wrong, when the author foresaw it."""
        return next((wrong.feedback for wrong in self.wrong_answers
                     if any(answers.matches(item, answer) for item in wrong.answers)), None)

    def giveaways(self) -> list[str]:
        return [item for item in self.forms if not item.startswith("re:")
                and answers.number(item) is None] + list(self.avoid)


Ask = Annotated[ChoiceAsk | ShortAsk, Field(discriminator="kind")]
