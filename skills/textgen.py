"""Chapters 7-8: a next-word LSTM trained on folk-song lines, then sampled to write new lines.

As in the book, every line becomes its n-gram prefixes ("in the", "in the town", ...), pre-padded
with zeros to one length; the model sees all words but the last and learns to predict the last.
The book one-hot encodes the labels for categorical cross-entropy; sparse categorical
cross-entropy on the word ids is the same loss without the big one-hot matrix.

Generation picks each next word by sampling the softmax sharpened or flattened by a temperature
(numpy, seeded): low temperatures repeat the likeliest words, high ones take more risks.
"""

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from skills import text_data
from skills.base import ArtifactFile, ExportSpec, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.training import keras, progress_callback, seed_everything

NAME = "textgen"
BATCH_SIZE = 128
LEARNING_RATE = 0.01  # the book's Adam setting for this model
MAX_VALIDATION_ROWS = 500
TOP_WORDS_SHOWN = 5


class Params(BaseModel):
    seed_text: str = Field(default="in the town of athy", min_length=1, max_length=200)
    num_words: int = Field(default=20, ge=1, le=100)
    temperature: float = Field(default=0.8, ge=0.1, le=2.0)
    epochs: int = Field(default=30, ge=1, le=300)
    embedding_dim: int = Field(default=64, ge=4, le=128)
    lstm_units: int = Field(default=64, ge=8, le=256)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


# ---- data ----------------------------------------------------------------------------------

def ngram_sequences(lines: list[str], vectorizer: Any) -> np.ndarray:
    """Every prefix of at least two words of every line, pre-padded with 0 to the longest."""
    sequences: list[list[int]] = []
    for row in vectorizer(lines).numpy().tolist():
        ids = [i for i in row if i != 0]  # the layer post-pads a batch; the book pre-pads
        sequences.extend(ids[:end] for end in range(2, len(ids) + 1))
    return keras().utils.pad_sequences(sequences, padding="pre").astype(np.int32)


# ---- model ---------------------------------------------------------------------------------

def build_model(vocab_size: int, input_length: int, embedding_dim: int, lstm_units: int) -> Any:
    k = keras()
    model = k.Sequential([
        k.Input(shape=(input_length,), dtype="int32", name="token_ids"),
        k.layers.Embedding(vocab_size, embedding_dim),
        k.layers.Bidirectional(k.layers.LSTM(lstm_units)),
        k.layers.Dense(vocab_size, activation="softmax"),
    ], name="textgen")
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=k.optimizers.Adam(learning_rate=LEARNING_RATE), metrics=["accuracy"])
    return model


# ---- generation ----------------------------------------------------------------------------

def next_word_probabilities(model: Any, vocabulary: list[str], words: list[str]) -> np.ndarray:
    """The model's softmax for the word after `words` (the last input_length words count)."""
    index = {word: i for i, word in enumerate(vocabulary)}
    length = int(model.input_shape[1])
    ids = [index.get(word, 1) for word in words][-length:]
    x = np.array([[0] * (length - len(ids)) + ids], np.int32)
    return model(x, training=False).numpy()[0]


def sample(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Draw a word id from probabilities**(1/temperature), renormalised; never padding or [UNK]."""
    p = np.asarray(probabilities, np.float64).copy()
    p[:2] = 0.0
    logits = np.log(np.maximum(p, 1e-12)) / temperature
    weights = np.exp(logits - logits.max())
    weights[:2] = 0.0
    return int(rng.choice(len(weights), p=weights / weights.sum()))


def generate(model: Any, vocabulary: list[str], seed_text: str, num_words: int, temperature: float,
             seed: int = 0) -> str:
    """seed_text followed by num_words sampled words; the same seed gives the same text."""
    rng = np.random.default_rng(seed)
    words = text_data.words(seed_text)
    new_words = []
    for _ in range(num_words):
        word = vocabulary[sample(next_word_probabilities(model, vocabulary, words), temperature, rng)]
        words.append(word)
        new_words.append(word)
    return " ".join([seed_text.strip(), *new_words])


# ---- job -----------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import plots

    seed_words = text_data.words(params.seed_text)
    if not seed_words:
        raise SkillError("The seed text has no words in it. Give me a few words to start from, "
                         "like \"in the town of athy\".")
    seed_everything(params.seed)
    out_dir.mkdir(parents=True, exist_ok=True)

    # Prepare the data: every line's n-grams as padded word ids; the last id is the label
    progress(0.0, "building n-gram sequences from the song lines")
    lines = text_data.load_song_lines()
    vectorizer = text_data.fit_vectorizer(lines, vocab_size=None)
    vocabulary = text_data.vocabulary_of(vectorizer)
    sequences = ngram_sequences(lines, vectorizer)
    xs, ys = sequences[:, :-1], sequences[:, -1]

    # Build the model
    model = build_model(len(vocabulary), xs.shape[1], params.embedding_dim, params.lstm_units)

    # Train
    started = time.perf_counter()
    history = model.fit(
        xs, ys, epochs=params.epochs, batch_size=BATCH_SIZE, verbose=0, shuffle=True,
        callbacks=[progress_callback(progress, params.epochs, 0.0, 0.9)],
    )
    train_seconds = time.perf_counter() - started

    # Generate
    progress(0.92, f"writing {params.num_words} words at temperature {params.temperature:g}")
    generated = generate(model, vocabulary, params.seed_text, params.num_words, params.temperature,
                         params.seed)
    unknown = sorted(set(seed_words) - set(vocabulary))
    first = next_word_probabilities(model, vocabulary, seed_words)
    top = np.argsort(first)[::-1][:TOP_WORDS_SHOWN]
    top_next_words = [{"word": vocabulary[i], "probability": round(float(first[i]), 4)} for i in top]

    # Export: model, vocabulary, the sequences it learned from, curves
    model_path = out_dir / "model.keras"
    model.save(model_path)
    vocab_path = text_data.save_vocabulary(vocabulary, out_dir / "vocab.txt")
    rows = np.linspace(0, len(xs) - 1, min(MAX_VALIDATION_ROWS, len(xs))).astype(int)
    validation_path = out_dir / "validation.npz"
    np.savez(validation_path, x=xs[rows], y=ys[rows])
    curves = plots.training_curves(history.history, out_dir / "training_curves.png",
                                   "Next-word LSTM: training loss and accuracy")
    progress(1.0, "done")

    accuracy = float(history.history["accuracy"][-1])
    loss = float(history.history["loss"][-1])
    unknown_note = (f" I don't know the seed word{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(unknown)}, so the model read {'them' if len(unknown) > 1 else 'it'} "
                    "as [UNK]." if unknown else "")
    return SkillResult(
        skill=NAME,
        metrics={
            "accuracy": accuracy,
            "loss": loss,
            "perplexity": math.exp(min(loss, 50.0)),
            "num_words": params.num_words,
            "temperature": params.temperature,
            "vocabulary_size": len(vocabulary),
            "sequences": len(xs),
            "epochs": params.epochs,
            "train_seconds": train_seconds,
        },
        artifacts=[
            ArtifactFile("model", model_path),
            ArtifactFile("data", vocab_path),
            ArtifactFile("validation-data", validation_path),
            ArtifactFile("plot", curves),
        ],
        summary=(
            f"After {params.epochs} epochs the LSTM guesses the next word of a song line "
            f"{accuracy:.0%} of the time (loss {loss:.2f}); at temperature {params.temperature:g} it "
            f"wrote: \"{generated}\".{unknown_note} Lower the temperature for safer, more repetitive "
            "lines; raise it for more surprising ones."
        ),
        extras={"generated": generated, "unknown_words": unknown, "top_next_words": top_next_words},
    )


SPEC = SkillSpec(
    name=NAME, title="text generator (LSTM)", params=Params, run=run,
    metrics=("accuracy", "loss", "perplexity", "train_seconds"),
    key_metric=("accuracy", "training accuracy"),
    export=ExportSpec(task="classification", input_kind="tokens", page_title="Which word comes next?",
                      padding="pre", class_names=lambda model, vocabulary: vocabulary),
)
