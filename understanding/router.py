"""The understanding layer: one ranking of a learner's message over everything Tutor can do.

Candidates are every intent with examples (each skill, export, show my models, cancel, the
lesson commands, greetings, help), every knowledge-base entry (concepts, symptoms, errors,
AMA) and off-topic. A candidate's score is its best phrasing's MiniLM cosine plus a small
TF-IDF term, nudged towards its second best (as faq/retriever.py measured). On top of that:
- a pasted error is matched by its last error line with shapes and names replaced, against the
  error messages the entries explain, and never read as a command or as off-topic;
- a pasted code fragment is only ever a question about code;
- "explain X" and "do X" are told apart by how the message asks (mood), and when both readings
  are close Tutor offers both;
- a question Tutor cannot answer is "not sure" only when it is on-topic; otherwise it is declined.
  A message naming a term only machine learning uses (understanding/domain.py) is on-topic
  however far it is from every entry: only a clear off-topic lead declines it; a request to make
  something deceptive or to break in (fake reviews, phishing) is declined whatever it is near.
"""

from dataclasses import dataclass, field

import numpy as np

from understanding import domain, language, pastes, readings, shapes, typos
from understanding.cues import REUSE, TRAINING_WORDS, asks_own_record, names_platform
from understanding.lexical import Lexical
from understanding.mood import BOOK, WH, asks_how_or_why, asks_reason, goes_ahead, mood, opens_with_run

LEXICAL_WEIGHT = 0.15
SECOND_BEST_WEIGHT = 0.1
ENTRY_SECOND_BEST_WEIGHT = 0.2  # an entry's phrasings agree more often than an intent's (rounds 2-6)
MOOD_BONUS = 0.04
ERROR_WEIGHT = 0.4  # how much a pasted error line's match with an entry's known errors adds
SHAPE_WEIGHT = 0.6  # ... and within that match, how much the two shapes' relation counts (shapes.py)
FOCUS_WEIGHT = 0.5  # a code question's pointed-at lines (pastes.focus), against the whole fragment
ASKED_WEIGHT = 0.2  # ... and its own words around it (rounds 2-7: 0.2 +2, 0.3 +2 but a dev loss, 0.4 -3)
API_WEIGHT = 0.3  # a paste's API names (from_saved_model) found in an entry's answer or errors
AMA_BONUS = 0.05  # for the AMA entries, when a message is about the book or its author
ANSWER_THRESHOLD = 0.58  # an entry this close is answered; below it "not sure" (or a decline)
INTENT_THRESHOLD = 0.55  # a command this close is run
OTHER_WORLD_ANSWER = 0.9  # ... and the bar for a message naming another world (domain.other_sense)
NOT_SURE_FLOOR = 0.45  # nothing even this close: not a machine-learning question, declined
OFF_TOPIC_MARGIN = 0.03  # off-topic within this of the best entry: decline, not "not sure"
# A term only ML uses (understanding/domain.py) outweighs this much off-topic lead: "how do graph
# neural networks pass messages" (off-topic by 0.18, near "neurons pass messages") is not declined,
# "train a neural network to crack my neighbour's wifi" (by 0.52) still is.
ML_TERM_LIFT = 0.25
AMBIGUOUS = 0.03  # a command and an explanation this close: offer both
# A request whose best match is an entry runs the nearest command this close (dev: 0.05 +1, 0.12 +3, 0.2 -1)
DO_MARGIN = 0.12
# ... and the best entry's own offer runs when this close: "convert the model to tflite" names the
# TFLite entry (1.07) whose offer is the export (0.94).
OFFER_MARGIN = 0.16
PLATFORM_BONUS = 0.15  # skill requests 3 (dev): 0.1 -> 115/150, 0.15 -> 118, nothing else moved
# A request for a platform with no training asked for gets more (cues.TRAINING_WORDS).
PLATFORM_ONLY_BONUS = 0.3
REUSE_BONUS = 0.1
RECORD_BONUS = 0.2  # "have I finished the nlp lesson?" (cues.OWN_RECORD): progress
# A command below INTENT_THRESHOLD still runs when nothing else comes this close to it ("list out
# my stuff, all the nets I've made": show_models 0.54, the best explanation 0.31).
LEAD = 0.1
DO_LEAD, DO_FLOOR = 0.05, 0.5  # ... and half that lead, from 0.5, when the message asks for a run
TEMPERATURE = 0.05  # of the softmax that turns scores into Rasa confidences
OFF_TOPIC = "out_of_scope"
CODE_INTENTS = ("run_my_code", "review_code")  # the learner's own code (issue 17): not commands, need a paste
FAQ = "faq"
SOCIAL = ("greet", "goodbye")  # said to Tutor, never inside a sentence the learner quotes

@dataclass(frozen=True)
class Candidate:
    intent: str  # Rasa intent: a command, "faq" (with an entry) or "out_of_scope"
    entry_id: str | None = None
    offer_intent: str | None = None  # for an entry with an offer: the intent that runs it


@dataclass
class Understanding:
    intent: str
    confidence: float
    entry_id: str | None = None  # the entry to answer (intent faq)
    score: float = 0.0
    closest: list[tuple[str, float]] = field(default_factory=list)  # entries, for "did you mean"
    alternative: str | None = None  # a command to offer beside an explanation (explain vs do)
    paste: str | None = None  # "error" | "code"
    ranking: list[tuple[str, float]] = field(default_factory=list)  # intents, best first
    language: str | None = None  # "other": not English, so not matched (declined in English)

    def as_dict(self) -> dict:
        return {"intent": self.intent, "confidence": self.confidence, "entry_id": self.entry_id,
                "score": round(self.score, 4), "closest": [[i, round(s, 4)] for i, s in self.closest],
                "alternative": self.alternative, "paste": self.paste, "language": self.language}


class Router:
    """Built once per process from the examples; `understand` is a pure function of the text."""

    def __init__(self, intents: dict[str, list[str]], entries: list, off_topic: list[str], encoder,
                 commands: frozenset[str] = frozenset()):
        """`commands`: the intents that run something (skills, exports, lists), which a
        message's mood (asking or telling) counts for or against."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.encoder = encoder
        self.commands = commands
        self.entries = {e.id: e for e in entries}
        candidates: list[Candidate] = []
        texts: list[str] = []
        owner: list[int] = []

        def add(candidate: Candidate, phrasings) -> None:
            candidates.append(candidate)
            for text in dict.fromkeys(p for p in phrasings if p and p.strip()):
                texts.append(" ".join(text.split()))
                owner.append(len(candidates) - 1)

        for intent, examples in intents.items():
            if intent not in (FAQ, OFF_TOPIC):
                add(Candidate(intent), examples)
        add(Candidate(OFF_TOPIC), off_topic)
        error_texts: list[str] = []
        error_owner: list[int] = []
        error_shapes: list[shapes.Relation | None] = []
        for entry in entries:
            add(Candidate(FAQ, entry.id), (*entry.questions, entry.answer))
            for message in entry.errors:
                error_texts.append(pastes.normalise(message))
                error_owner.append(len(candidates) - 1)
                error_shapes.append(shapes.relation(message))
        self.candidates = candidates
        self.owner = np.array(owner)
        self.is_entry = np.array([c.entry_id is not None for c in candidates])
        self.is_command = np.array([c.intent in commands for c in candidates])
        self.is_transfer = np.array([c.intent == "train_transfer" for c in candidates])
        self.is_progress = np.array([c.intent == "lesson_progress" for c in candidates])
        self.is_export = np.array([c.intent in commands and c.intent.startswith("export") for c in candidates])
        # Commands run on the learner's own sentence: most of their examples quote one.
        self.takes_text = np.array([c.intent in commands and pastes.takes_text(intents.get(c.intent, []))
                                    for c in candidates])
        self.is_off_topic = np.array([c.intent == OFF_TOPIC for c in candidates])
        self.is_social = np.array([c.intent in SOCIAL for c in candidates])
        self._entry_rows = {c.entry_id: i for i, c in enumerate(candidates) if c.entry_id}
        self.api_names = [pastes.api_names(" ".join((*entry.errors, entry.answer))) if entry else frozenset()
                          for entry in (self.entries.get(c.entry_id or "") for c in candidates)]
        self.is_ama = np.array([c.entry_id is not None and self.entries[c.entry_id].kind == "ama"
                                for c in candidates])
        self.vectors = encoder.embed_many(texts)
        self.lexical = Lexical(texts, TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True))
        # Phrasings are added candidate by candidate, so each candidate's rows are one run.
        self._starts = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        if len(self._starts) != len(candidates):
            raise ValueError("every intent, entry and off-topic needs at least one phrasing")
        self._has_second = np.diff(np.r_[self._starts, len(self.owner)]) > 1
        self._intent_names = sorted({c.intent for c in candidates})
        self._intent_of = np.array([self._intent_names.index(c.intent) for c in candidates])
        self.error_owner = np.array(error_owner, dtype=int)
        self.error_shapes = error_shapes
        self.error_vectors = encoder.embed_many(error_texts) if error_texts else np.zeros((0, 384))
        self.error_lexical = Lexical(error_texts or ["none"],
                                     TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True))

    def set_offers(self, offer_intents: dict[str, str]) -> None:
        """Which command each entry's offer runs (for "explain or do?")."""
        self.offer_intents = dict(offer_intents)  # a rebuild reuses them (understanding/live.py)
        self.candidates = [
            Candidate(c.intent, c.entry_id, offer_intents.get(self.entries[c.entry_id].offer or ""))
            if c.entry_id else c for c in self.candidates]

    # -- scoring -------------------------------------------------------------------------------
    def _candidate_scores(self, vector: np.ndarray, text: str) -> np.ndarray:
        phrasing = self.vectors @ vector + LEXICAL_WEIGHT * self.lexical.similarity(text)
        # Each candidate's best and second-best phrasing, for all candidates at once: sort by
        # (candidate, score) so each run starts with its best.
        order = np.lexsort((-phrasing, self.owner))
        top = phrasing[order[self._starts]]
        second = np.where(self._has_second, phrasing[order[np.minimum(self._starts + 1, len(order) - 1)]], top)
        return top + np.where(self.is_entry, ENTRY_SECOND_BEST_WEIGHT, SECOND_BEST_WEIGHT) * (second - top)

    def _error_scores(self, error: str) -> np.ndarray:
        """Each candidate's closeness to the pasted error line (0 for entries with none)."""
        scores = np.zeros(len(self.candidates))
        if not len(self.error_owner):
            return scores
        normal = pastes.normalise(error)
        vector = self.encoder.embed([normal])[0]
        chars = self.error_lexical.similarity(normal)
        combined = 0.5 * (self.error_vectors @ vector) + 0.5 * chars
        pasted = shapes.relation(error)
        if pasted is not None:  # same words, other mistake: the shapes' relation tells them apart
            combined += SHAPE_WEIGHT * np.array([pasted.likeness(known) if known else 0.0
                                                 for known in self.error_shapes])
        np.maximum.at(scores, self.error_owner, combined)
        return scores

    def scores(self, text: str) -> tuple[np.ndarray, str | None]:
        original, paste = text, pastes.kind(text)
        errors = pastes.error_lines(text) if paste == "error" else []
        code = pastes.code_lines(text) if errors else []
        if errors:
            # The traceback's frames are noise: its last error line, its code and the learner's words count.
            text = " ".join([pastes.words(text), *errors[:2], *code[-2:]])
        text = " ".join(text.split())
        vector = self.encoder.embed([text])[0]
        scores = self._candidate_scores(vector, text)
        pointed = pastes.focus(original) if paste == "code" else []
        if pointed:  # "why include_top=False": the lines asked about weigh as much as the whole fragment
            pointed_text = " ".join(" ".join([pastes.words(original), *pointed]).split())
            scores = ((1 - FOCUS_WEIGHT) * scores
                      + FOCUS_WEIGHT * self._candidate_scores(self.encoder.embed([pointed_text])[0], pointed_text))
        asked = pastes.words(original) if paste == "code" else ""
        if len(asked.split()) >= 3:  # "why freeze it": the learner's own question, beside the code it is about
            scores = ((1 - ASKED_WEIGHT) * scores
                      + ASKED_WEIGHT * self._candidate_scores(self.encoder.embed([asked])[0], asked))
        readings.lift(scores, self._entry_rows, text)  # "train acc 99%, val 72%": the entries for that gap
        framed = pastes.frame(text) if paste is None and not asks_reason(text) else None
        if framed:
            # "is this positive: <their sentence>": the command is read from the frame around
            # the learner's own text, which only says what to run it on.
            # Only commands that take a sentence (their examples quote one) read it that way, and
            # a quoted sentence is itself a sign of one of them.
            around = self._candidate_scores(self.encoder.embed([framed])[0], framed)
            takes = self.takes_text
            scores[takes] = np.maximum(scores[takes], around[takes]) + MOOD_BONUS
            # "translate 'good morning' into Japanese": a quoted greeting is none; the frame may be off-topic
            social, off = self.is_social, self.is_off_topic
            if social.any() and around[social].max() < scores[social].max() - LEAD:  # the quote held it
                scores[social], scores[off] = around[social], np.maximum(scores[off], around[off])
        if paste is not None:
            scores[~self.is_entry] = -1.0  # a paste is a question, never a command or a decline
        if errors:
            scores = (scores + ERROR_WEIGHT * self._error_scores(errors[0])
                      + API_WEIGHT * self._api_overlap(code + errors))
        else:
            m = mood(text)
            if m == "do":
                scores[self.is_command] += MOOD_BONUS
                if names_platform(text):  # "get the vision model ready for a phone": the export
                    scores[self.is_export] += (PLATFORM_BONUS if TRAINING_WORDS.search(text)
                                               else PLATFORM_ONLY_BONUS)
                elif REUSE.search(text):
                    scores[self.is_transfer] += REUSE_BONUS
            elif m == "ask":
                scores[~self.is_command] += MOOD_BONUS
                scores[self.is_command] -= MOOD_BONUS
            if asks_own_record(text):
                scores[self.is_progress] += RECORD_BONUS
            if BOOK.search(text):  # about the book or its author: the AMA is the source
                scores[self.is_ama] += AMA_BONUS
        return scores, paste

    def _api_overlap(self, lines: list[str]) -> np.ndarray:
        """The share of the API names in a paste's code and error lines each entry's answer or errors name too."""
        names = pastes.api_names(" ".join(lines))
        if not names:
            return np.zeros(len(self.candidates))
        return np.array([len(names & known) / len(names) for known in self.api_names])

    # -- decision ------------------------------------------------------------------------------
    def understand(self, text: str) -> Understanding:
        found = self._understand(text)
        if found.intent == OFF_TOPIC or (found.intent == FAQ and found.entry_id is None):
            meant = typos.command_word(text)  # "hlep": a command word misspelt, not a decline
            if meant in self._intent_names:
                return Understanding(meant, 1.0, score=found.score, ranking=[(meant, 1.0)])
        return found

    def _understand(self, text: str) -> Understanding:
        asked = pastes.code_request(text)
        if asked:  # pasted code with "review this" / "run my model": the learner's own code (issue 17)
            return Understanding(asked, 1.0, paste="code", ranking=[(asked, 1.0)])
        if domain.asks_for_harm(text) and pastes.kind(text) is None:  # never run, never answered
            return Understanding(OFF_TOPIC, 1.0, ranking=[(OFF_TOPIC, 1.0)])
        if language.foreign(text) and pastes.kind(text) is None:
            return Understanding(OFF_TOPIC, 1.0, language="other", ranking=[(OFF_TOPIC, 1.0)])
        scores, paste = self.scores(text)
        order = np.argsort(-scores)
        entries = [i for i in order if self.is_entry[i]][:3]
        closest = [(self.candidates[i].entry_id, float(scores[i])) for i in entries]
        ranking = self._intent_ranking(scores)
        best = self.candidates[order[0]]
        top = float(scores[order[0]])
        entry_score = float(scores[entries[0]]) if entries else -1.0
        off_score = float(scores[self.is_off_topic].max())

        def result(intent: str, **kw) -> Understanding:
            return Understanding(intent, dict(ranking).get(intent, 0.0), closest=closest, paste=paste,
                                 ranking=ranking, **kw)

        if paste is None and best.entry_id and mood(text) == "do":
            # A request whose closest match is an explanation runs the closest command instead
            # when that is near: "package the last thing we trained as a .tflite file" asks for
            # the export, not the TFLite paragraph; the entry's own offer goes first.
            per_intent = self._intent_best(scores)
            commands = [best.offer_intent] if best.offer_intent else []
            if not WH.search(text):  # "..., what architecture would you pick": a question still
                commands += sorted((i for i in per_intent if i in self.commands), key=lambda i: -per_intent[i])[:1]
            told = goes_ahead(text) or opens_with_run(text)  # told to run it: the entry's offer runs
            for command in commands:
                if command == best.offer_intent and told and top >= ANSWER_THRESHOLD:
                    return result(command, score=per_intent.get(command, top))
                margin = DO_MARGIN if command != best.offer_intent else OFFER_MARGIN
                # when even the best entry is too far to answer, a near command beats "not sure"
                floor = INTENT_THRESHOLD if top >= ANSWER_THRESHOLD else NOT_SURE_FLOOR
                if per_intent.get(command, -1.0) >= floor and top - per_intent[command] < margin:
                    return result(command, score=per_intent[command])
        lead = top - self._best_other(scores, best.intent)
        clear_lead = top >= NOT_SURE_FLOOR and lead >= LEAD or (
            top >= DO_FLOOR and paste is None and mood(text) == "do"
            and (lead >= DO_LEAD or (lead >= DO_LEAD / 2 and top - off_score >= LEAD
                                     and (top - entry_score >= LEAD or entry_score < ANSWER_THRESHOLD))))
        if (best.entry_id is None and best.intent != OFF_TOPIC and (top >= INTENT_THRESHOLD or clear_lead)
                and not (entries and self._asks_how_or_why(text, best.intent))):
            near = next((i for i in entries if self.candidates[i].offer_intent == best.intent), None)
            if near is not None and top - scores[near] < AMBIGUOUS and mood(text) is None:
                return result(FAQ, entry_id=self.candidates[near].entry_id, score=float(scores[near]),
                              alternative=best.intent)
            return result(best.intent, score=top)
        # Another world named and nothing of ML ("the sigmoid colon my doctor mentioned"): only a
        # close entry answers it.
        other_world = paste is None and domain.other_sense(text)
        if entries and entry_score >= (OTHER_WORLD_ANSWER if other_world else ANSWER_THRESHOLD) and (
                paste or entry_score > off_score):
            return result(FAQ, entry_id=closest[0][0], score=entry_score)
        # No ML sense at all (domain.py): declined rather than "not sure". Above, it only raised the
        # bar for an answer: a word list must never turn away a question an entry answers closely.
        declined = (best.intent == OFF_TOPIC or entry_score < max(off_score + OFF_TOPIC_MARGIN, NOT_SURE_FLOOR)
                    or other_world)
        if domain.mentions_ml(text):  # on-topic however far from every entry: only a clear off-topic lead declines
            # ... half of it beside another world's word: "is tensorflow a valid word in scrabble"
            lift = ML_TERM_LIFT if paste or not domain.OTHER_WORLD.search(text) else ML_TERM_LIFT / 2
            declined = best.intent == OFF_TOPIC and off_score - entry_score >= lift
        if paste is None and declined:
            return result(OFF_TOPIC, score=off_score)
        return result(FAQ, score=entry_score)  # on-topic, unanswered: "not sure"

    def _asks_how_or_why(self, text: str, intent: str) -> bool:
        """A reason or a workings asked for about a command, or about running code with none
        pasted ("can I run a keras model on a raspberry pi?"): explained, not run."""
        return (intent in self.commands or intent in CODE_INTENTS) and asks_how_or_why(text, intent)

    def _best_other(self, scores: np.ndarray, intent: str) -> float:
        """The best score of any candidate that is not `intent`."""
        others = np.array([c.intent != intent for c in self.candidates])
        return float(scores[others].max())

    def _per_intent(self, scores: np.ndarray) -> np.ndarray:
        """Each intent's best candidate score, in the order of self._intent_names."""
        best = np.full(len(self._intent_names), -9.0)
        np.maximum.at(best, self._intent_of, scores)
        return best

    def _intent_best(self, scores: np.ndarray) -> dict[str, float]:
        return dict(zip(self._intent_names, self._per_intent(scores).tolist()))

    def _intent_ranking(self, scores: np.ndarray) -> list[tuple[str, float]]:
        best = self._per_intent(scores)
        weights = np.exp((best - best.max()) / TEMPERATURE)
        weights /= weights.sum()
        return [(self._intent_names[i], round(float(weights[i]), 4)) for i in np.argsort(-weights, kind="stable")]

