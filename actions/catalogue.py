"""The trainable skills as chat sees them: which intent starts which skill, the words for each
setting, and what Tutor promises when it queues the job (the rest is in each skill's SkillSpec).

Params classes come from the skill modules (pure pydantic + numpy at import time), so the
bounds a refusal names are the bounds the worker enforces.
"""

from collections.abc import Callable
from dataclasses import dataclass

from actions.skill_options import Choice, Flag, Number, SkillOptions, Text
from skills import registry

EPOCHS = Number("epochs", r"epochs?|rounds?", integer=True)
SEED = Number("seed", r"(?:random )?seed", integer=True, number_first=False)


@dataclass(frozen=True)
class ChatSkill:
    intent: str
    skill: str
    options: SkillOptions
    promise: Callable[[object], str]  # Params -> "I'm training ... I'll send ..."

    def params_class(self):
        return registry.get(self.skill).params


def _vision(p) -> str:
    extras = [f"dropout {p.dropout:g}" if p.dropout else "no dropout",
              "with augmentation" if p.augmentation else "no augmentation"]
    fashion = p.dataset == "fashion_mnist"
    data = ("Fashion-MNIST's 28x28 clothing photos (6,000 of them, so a CPU run stays short)" if fashion
            else "the 8x8 handwritten digits")
    return (f"I'm training a {p.model.upper() if p.model == 'cnn' else 'dense'} network on {data} "
            f"for {p.epochs} epochs ({', '.join(extras)}). I'll send progress, then validation accuracy "
            f"per {'class' if fashion else 'digit'}, a confusion matrix, training curves, sample "
            "predictions and a tip read from your curves.")


def _transfer(p) -> str:
    return (f"I'm teaching a classifier the digits 5-9 from only {p.shots} examples each, once on top "
            "of a feature extractor pretrained on the digits 0-4 (tensorflow-hub KerasLayer) and once "
            "from scratch, so you can see what transfer learning buys. Results and a comparison plot "
            "follow.")


def _sentiment(p) -> str:
    kind = "a bidirectional LSTM" if p.model == "bilstm" else "an embedding + average pooling"
    return (f"I'm training {kind} sentiment classifier on our review corpus for {p.epochs} epochs. "
            "You'll get validation accuracy, training curves, a word-embedding plot and vecs.tsv / "
            "meta.tsv for the Embedding Projector. Then ask me \"is this positive: <your sentence>\".")


def _textgen(p) -> str:
    return (f"I'm training a next-word LSTM on our song lines for {p.epochs} epochs, then writing "
            f"{p.num_words} words after \"{p.seed_text}\" at temperature {p.temperature:g}.")


def _timeseries(p) -> str:
    return ("I'm making a synthetic series (trend, seasonality, noise), then training dense, causal "
            "Conv1D and LSTM forecasters and comparing them with the naive and moving-average "
            "baselines. You'll get an MAE table and a forecast plot.")


CATALOGUE = {entry.intent: entry for entry in [
    ChatSkill("train_vision", "vision", SkillOptions([
        EPOCHS, SEED,
        Choice("model", {r"cnn|conv\w*|convolutional": "cnn", r"dense|mlp|fully[- ]connected": "dense"}),
        Choice("dataset", {r"fashion[- _]?mnist|clothes|clothing": "fashion_mnist"}),
        Number("dropout", r"dropout", named=0.3),
        Flag("augmentation", r"augment\w*"),
    ]), _vision),
    ChatSkill("train_transfer", "transfer", SkillOptions([
        EPOCHS, SEED,
        Number("shots", r"shots?|examples?(?: per (?:class|digit))?|images? per (?:class|digit)",
               integer=True),
    ]), _transfer),
    ChatSkill("train_sentiment", "sentiment", SkillOptions([
        EPOCHS, SEED,
        Choice("model", {r"bi-?lstm|bidirectional|lstm|rnn": "bilstm",
                         r"pooling|average|embedding bag|simple": "pooling"}),
        Number("embedding_dim", r"embedding(?: dim(?:ension)?s?| size)", integer=True),
        Number("vocab_size", r"vocab(?:ulary)?(?: size)?", integer=True),
        Number("max_length", r"max(?:imum)?[ _]length|sequence length", integer=True),
    ]), _sentiment),
    ChatSkill("train_textgen", "textgen", SkillOptions([
        EPOCHS, SEED,
        Number("num_words", r"words?", integer=True),
        Number("temperature", r"temperature|temp", number_first=False),
        Text("seed_text", r"seed(?: text)?|start(?:ing)? with|begin(?:ning)? with|after"),
    ]), _textgen),
    ChatSkill("train_timeseries", "timeseries", SkillOptions([
        EPOCHS, SEED,
        Number("slope", r"slope|trend", number_first=False),
        Number("amplitude", r"amplitude|seasonality", number_first=False),
        Number("noise_level", r"noise(?: level)?", number_first=False),
        Number("period", r"period|season length", number_first=False, integer=True),
        Number("window_size", r"window(?: size)?", number_first=False, integer=True),
    ]), _timeseries),
]}
