"""Chapters 5-6: a sentiment classifier on review sentences, plus the tokenizer demo.

Words become ids with a Keras TextVectorization layer OUTSIDE the model (the model takes padded
int ids, so it converts to TFLite/TF.js); the vocabulary is saved as vocab.txt beside model.keras.
Two models from the book: an Embedding averaged by GlobalAveragePooling1D (a bag of words: it
cannot see that "not" flips "good"), and a Bidirectional LSTM that reads word order.

Three jobs live here: `run` (train), `run_classify` (score a sentence with a finished run's
model) and `run_tokenize` (show how the word and subword tokenizers split a sentence).
"""

import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from skills import text_data
from skills.base import ArtifactFile, ExportSpec, FromRun, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.training import keras, progress_callback, seed_everything
from skills.upload_data import OnUpload

NAME = "sentiment"
DEFAULT_VOCAB_SIZE = 1000
UPLOAD_SUFFIX = "_upload"  # in the saved model's name when it learned a learner's two labels
DEFAULT_MAX_LENGTH = 20
SUBWORD_VOCAB_SIZE = 500
BATCH_SIZE = 32
MAX_VALIDATION_ROWS = 500
# Words whose learned embeddings are drawn: they should drift apart into two camps.
POSITIVE_WORDS = ["good", "great", "excellent", "wonderful", "delicious", "loved", "brilliant",
                  "amazing", "perfect", "friendly", "recommend", "stunning"]
NEGATIVE_WORDS = ["bad", "terrible", "awful", "boring", "dull", "hated", "rude", "dirty",
                  "stale", "broken", "waste", "disappointing"]
NEUTRAL_WORDS = ["the", "film", "phone", "pizza", "hotel", "was", "not", "but"]
# Sentences with these words need word order: a bag of words gets many of them wrong.
ORDER_WORDS = {"not", "never", "but", "although"}


class Params(OnUpload):  # upload_dir: the learner's labelled text instead of the review sentences
    model: Literal["pooling", "bilstm"] = "pooling"
    epochs: int = Field(default=20, ge=1, le=100)
    embedding_dim: int = Field(default=16, ge=2, le=64)
    vocab_size: int = Field(default=DEFAULT_VOCAB_SIZE, ge=50, le=5000)
    max_length: int = Field(default=DEFAULT_MAX_LENGTH, ge=4, le=100)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class TokenizeParams(BaseModel):
    text: str = Field(min_length=1, max_length=500)


class ClassifyParams(FromRun):
    """A sentence for the learner's own sentiment model (the finished run `source_job_id`)."""

    text: str = Field(min_length=1, max_length=500)


# ---- data and tokenizers -------------------------------------------------------------------

@lru_cache(maxsize=1)
def corpus_split() -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """((train sentences, labels), (validation sentences, labels)) of the bundled corpus."""
    return text_data.split_train_validation(*text_data.load_sentiment_corpus())


@lru_cache(maxsize=4)
def corpus_vectorizer(vocab_size: int = DEFAULT_VOCAB_SIZE, max_length: int = DEFAULT_MAX_LENGTH) -> Any:
    """TextVectorization adapted on the training sentences only (validation words it never saw
    become "[UNK]", as with real new text); cached because adapting costs a second or so."""
    (train_sentences, _), _ = corpus_split()
    return text_data.fit_vectorizer(train_sentences, vocab_size, max_length)


def tokenize_demo(sentence: str, cache_dir: Path) -> dict:
    """Both tokenizations of one sentence: Keras words/ids (padded, OOV marked) and
    sentencepiece subword pieces/ids. The subword model is trained once into cache_dir."""
    (train_sentences, _), _ = corpus_split()
    subword_model = text_data.train_subword_model(train_sentences, cache_dir, SUBWORD_VOCAB_SIZE)
    return {
        **text_data.word_tokens(sentence, corpus_vectorizer()),
        **text_data.subword_tokens(sentence, subword_model),
        "max_length": DEFAULT_MAX_LENGTH,
    }


# ---- model ---------------------------------------------------------------------------------

def build_model(kind: str, vocab_size: int, embedding_dim: int, max_length: int, upload: bool = False) -> Any:
    k = keras()
    inputs = k.Input(shape=(max_length,), dtype="int32", name="token_ids")
    x = k.layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    if kind == "pooling":
        x = k.layers.GlobalAveragePooling1D()(x)
    else:
        x = k.layers.Bidirectional(k.layers.LSTM(embedding_dim))(x)
    x = k.layers.Dense(24, activation="relu")(x)
    outputs = k.layers.Dense(1, activation="sigmoid")(x)
    model = k.Model(inputs, outputs, name=f"sentiment_{kind}{UPLOAD_SUFFIX if upload else ''}")
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


# ---- exports -------------------------------------------------------------------------------

def write_projector_files(weights: np.ndarray, vocabulary: list[str], out_dir: Path) -> tuple[Path, Path]:
    """vecs.tsv / meta.tsv for projector.tensorflow.org, skipping padding and [UNK] as the
    book does (it starts at word 1 of a Tokenizer, which has no padding row)."""
    vecs, meta = out_dir / "vecs.tsv", out_dir / "meta.tsv"
    rows = range(2, min(len(vocabulary), len(weights)))
    vecs.write_text("".join("\t".join(f"{v:.6g}" for v in weights[i]) + "\n" for i in rows), encoding="utf-8")
    meta.write_text("".join(vocabulary[i] + "\n" for i in rows), encoding="utf-8")
    return vecs, meta


def embedding_plot(weights: np.ndarray, vocabulary: list[str], path: Path, title: str,
                   groups: tuple[tuple[list[str], str], ...] | None = None) -> Path:
    """Chosen words on the first two principal components of all embedding vectors (numpy SVD);
    `groups`: (words, legend) pairs to draw instead of the review words (first green, then red)."""
    from matplotlib.figure import Figure

    from skills import plots  # noqa: F401  (selects the Agg backend)

    vectors = weights[2:len(vocabulary)]
    centered = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centered, full_matrices=False)
    index = {word: i for i, word in enumerate(vocabulary)}
    fig = Figure(figsize=(6.4, 5), dpi=100)
    ax = fig.add_subplot()
    drawn = groups or ((POSITIVE_WORDS, "positive"), (NEGATIVE_WORDS, "negative"), (NEUTRAL_WORDS, "other"))
    for (words, label), colour in zip(drawn, ("#2f9e44", "#e03131", "#868e96")):
        known = [w for w in words if w in index and index[w] < len(weights)]
        if not known:
            continue
        points = (weights[[index[w] for w in known]] - vectors.mean(axis=0)) @ components[:2].T
        ax.scatter(points[:, 0], points[:, 1], color=colour, label=label)
        for word, (x, y) in zip(known, points):
            ax.annotate(word, (x, y), textcoords="offset points", xytext=(4, 3), fontsize=8)
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(title)
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


# ---- jobs ----------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import plots, upload_coaching, upload_data

    seed_everything(params.seed)
    out_dir.mkdir(parents=True, exist_ok=True)

    # Prepare the data: words -> padded ids, outside the model (the tokenizer adapted on the
    # learner's own training rows when they uploaded text)
    uploaded = upload_data.text_split(params.upload("text")) if params.upload_dir else None
    progress(0.0, "tokenizing your rows" if uploaded else "tokenizing the review sentences")
    if uploaded:
        (train_text, train_y), (val_text, val_y) = uploaded.train, uploaded.validation
        vectorizer = text_data.fit_vectorizer(train_text, params.vocab_size, params.max_length)
    else:
        (train_text, train_y), (val_text, val_y) = corpus_split()
        vectorizer = corpus_vectorizer(params.vocab_size, params.max_length)
    names = uploaded.labels if uploaded else ("negative", "positive")
    vocabulary = text_data.vocabulary_of(vectorizer)
    train_x = vectorizer(train_text).numpy()
    val_x = vectorizer(val_text).numpy()

    # Build the model (the embedding table has one row per vocabulary word actually found)
    model = build_model(params.model, len(vocabulary), params.embedding_dim, params.max_length,
                        uploaded is not None)

    # Train
    started = time.perf_counter()
    history = model.fit(
        train_x, train_y, epochs=params.epochs, batch_size=BATCH_SIZE,
        validation_data=(val_x, val_y), verbose=0,
        callbacks=[progress_callback(progress, params.epochs, 0.0, 0.9, label=params.model)],
    )
    train_seconds = time.perf_counter() - started

    # Evaluate: overall, and on the sentences that need word order
    probabilities = model.predict(val_x, verbose=0).ravel()
    predicted = (probabilities > 0.5).astype(np.int32)
    correct = predicted == val_y
    needs_order = np.array([bool(ORDER_WORDS & set(s.lower().split())) for s in val_text])
    val_accuracy = float(correct.mean())
    order_accuracy = float(correct[needs_order].mean()) if needs_order.any() else None
    misclassified = [
        {"sentence": val_text[i], "label": names[int(val_y[i])],
         "probability_positive": round(float(probabilities[i]), 3)}
        for i in np.flatnonzero(~correct)[:5]
    ]

    # Export: model, vocabulary, validation rows, projector files, plots
    progress(0.92, "saving the model, vocabulary and embeddings")
    model_path = out_dir / "model.keras"
    model.save(model_path)
    vocab_path = text_data.save_vocabulary(vocabulary, out_dir / "vocab.txt")
    validation_path = out_dir / "validation.npz"
    np.savez(validation_path, x=val_x[:MAX_VALIDATION_ROWS].astype(np.int32),
             y=val_y[:MAX_VALIDATION_ROWS].astype(np.float32))
    weights = model.get_layer("embedding").get_weights()[0]
    vecs, meta = write_projector_files(weights, vocabulary, out_dir)
    curves = plots.training_curves(history.history, out_dir / "training_curves.png",
                                   f"Sentiment ({params.model}): training vs validation")
    groups = (tuple((words, f"{name} words") for words, name in
                    zip(upload_data.telling_words(train_text, train_y), names[::-1])) if uploaded else None)
    words_plot = embedding_plot(weights, vocabulary, out_dir / "embedding_words.png",
                                f"Word embeddings ({params.model}), first two principal components", groups)
    progress(1.0, "done")

    train_accuracy = float(history.history["accuracy"][-1])
    hint = ("Try model bilstm, which reads word order, and compare." if params.model == "pooling"
            else "Compare with the pooling model, which only averages word vectors.")
    if train_accuracy - val_accuracy > 0.1:
        hint = (f"Training accuracy ({train_accuracy:.1%}) is well above validation: the model is "
                "memorising; try fewer epochs or a smaller embedding_dim.")
    data_note = (upload_coaching.text(names, np.bincount(np.concatenate([train_y, val_y]), minlength=2).tolist())
                 if uploaded else None)
    return SkillResult(
        skill=NAME,
        metrics={
            "val_accuracy": val_accuracy,
            "val_loss": float(history.history["val_loss"][-1]),
            "train_accuracy": train_accuracy,
            "train_loss": float(history.history["loss"][-1]),
            **({"val_accuracy_word_order": order_accuracy} if order_accuracy is not None else {}),
            "validation_sentences": len(val_text),
            "vocabulary_size": len(vocabulary),
            "epochs": params.epochs,
            "train_seconds": train_seconds,
        },
        artifacts=[
            ArtifactFile("model", model_path),
            ArtifactFile("data", vocab_path),
            ArtifactFile("validation-data", validation_path),
            ArtifactFile("data", vecs),
            ArtifactFile("data", meta),
            ArtifactFile("plot", curves),
            ArtifactFile("plot", words_plot),
        ],
        summary=" ".join(filter(None, [
            f"Your {params.model} model reached {val_accuracy:.1%} validation accuracy on "
            f"{len(val_text)} held-out {'rows of your data' if uploaded else 'sentences'} after "
            f"{params.epochs} epochs" + (f", and {order_accuracy:.1%} on the {int(needs_order.sum())} "
                                         "that use 'not', 'never' or 'but'." if order_accuracy is not None else "."),
            hint, data_note])),
        extras={"misclassified": misclassified, "model": params.model, "label_names": list(names),
                **({"data_coaching": data_note} if data_note else {})},
    )


@lru_cache(maxsize=4)
def _load_classifier(model_path: str, mtime: float) -> tuple[Any, Any]:
    """A finished run's model and tokenizer, cached while the file is unchanged."""
    model = keras().models.load_model(model_path, custom_objects=SPEC.custom_objects())
    vocabulary = text_data.load_vocabulary(Path(model_path).parent / "vocab.txt")
    return model, text_data.vectorizer_from_vocabulary(vocabulary, int(model.input_shape[1]))


def classify(model_dir: Path, text: str) -> dict:
    """{"label": "positive"|"negative", "probability": P(positive) from the model's sigmoid,
    "oov_words": words the model's vocabulary does not know}."""
    model_path = Path(model_dir) / "model.keras"
    if not model_path.exists() or not (Path(model_dir) / "vocab.txt").exists():
        raise SkillError("I can't find a trained sentiment model there. Train one first "
                         "(\"train a sentiment model\"), then ask again.")
    model, vectorizer = _load_classifier(str(model_path), model_path.stat().st_mtime)
    tokens = text_data.word_tokens(text, vectorizer)
    probability = float(model.predict(np.array([tokens["keras_ids"]], np.int32), verbose=0)[0, 0])
    return {"label": "positive" if probability > 0.5 else "negative", "probability": probability,
            "oov_words": tokens["oov_words"]}


def run_classify(params: ClassifyParams, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    progress(0.0, "loading your sentiment model")
    result = classify(params.run_folder(), params.text)
    progress(1.0, "done")
    p = result["probability"]
    confidence = p if result["label"] == "positive" else 1 - p
    unknown = (f" It did not know the words {', '.join(result['oov_words'])} (read as [UNK])."
               if result["oov_words"] else "")
    return SkillResult(
        skill="sentiment_classify",
        metrics={"probability_positive": p},
        artifacts=[],
        summary=f"Your model says \"{params.text}\" is {result['label']} ({confidence:.0%} sure).{unknown}",
        extras=result,
    )


def run_tokenize(params: TokenizeParams, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    progress(0.0, "tokenizing")
    out_dir.mkdir(parents=True, exist_ok=True)
    tokens = tokenize_demo(params.text, out_dir)
    progress(1.0, "done")
    oov = tokens["oov_words"]
    unknown = (f"{len(oov)} unknown ({', '.join(oov)}) became [UNK], id 1" if oov
               else "none of them unknown")
    return SkillResult(
        skill="tokenize",
        metrics={"words": len(tokens["keras_tokens"]), "oov_words": len(oov),
                 "subword_pieces": len(tokens["subword_pieces"])},
        artifacts=[],
        summary=(
            f"The word tokenizer found {len(tokens['keras_tokens'])} words, {unknown}, and padded the "
            f"ids with zeros to {tokens['max_length']}. The subword tokenizer split it into "
            f"{len(tokens['subword_pieces'])} pieces, so even new words get known pieces."
        ),
        extras={key: tokens[key] for key in
                ("keras_tokens", "keras_ids", "oov_words", "subword_pieces", "subword_ids")},
    )


SPEC = SkillSpec(
    name=NAME, title="sentiment classifier", params=Params, run=run,
    metrics=("val_accuracy", "val_loss", "train_accuracy", "train_loss", "val_accuracy_word_order",
             "train_seconds"),
    key_metric=("val_accuracy", "validation accuracy"),
    export=ExportSpec(task="classification", input_kind="tokens",
                      page_title="Is this sentence positive or negative?",
                      # an upload's label names are not in the model: the export numbers them
                      class_names=lambda model, vocabulary: (None if model.name.endswith(UPLOAD_SUFFIX)
                                                             else ["negative", "positive"])),
)
CLASSIFY_SPEC = SkillSpec(name="sentiment_classify", title="sentiment prediction",
                          params=ClassifyParams, run=run_classify)
TOKENIZE_SPEC = SkillSpec(name="tokenize", title="tokenizer demo", params=TokenizeParams,
                          run=run_tokenize)
