"""Text corpora and tokenizers shared by the NLP skills (book chapters 5-8).

Tokenizing happens OUTSIDE the saved models: a model takes padded integer ids, so it converts to
TFLite/TF.js, and the vocabulary travels beside it as vocab.txt (line i = the word with id i;
line 0 is the empty padding token, line 1 is "[UNK]" for out-of-vocabulary words).

Corpora (data/text/README.md): sentiment.jsonl (labelled review sentences), songs.txt (folk-song
lines for text generation), sarcasm_sample.json (a few made-up headlines in the exact format of
the book's Sarcasm dataset, to test its loader offline).
"""

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import sentencepiece as spm

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "text"
SENTIMENT_CORPUS = DATA_DIR / "sentiment.jsonl"
SONGS = DATA_DIR / "songs.txt"
SARCASM_SAMPLE = DATA_DIR / "sarcasm_sample.json"
# The book's copy of the News Headlines Dataset for Sarcasm Detection (Rishabh Misra).
SARCASM_URL = "https://storage.googleapis.com/learning-datasets/sarcasm.json"

PAD_TOKEN = ""
OOV_TOKEN = "[UNK]"
# Exactly what TextVectorization's default "lower_and_strip_punctuation" removes.
STRIP_REGEX = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'


# ---- corpora -------------------------------------------------------------------------------

def load_sentiment_corpus(path: Path = SENTIMENT_CORPUS) -> tuple[list[str], np.ndarray]:
    """Sentences and 0/1 labels (1 = positive) from a JSON-lines file of
    {"sentence": str, "label": 0|1, ...} rows, in file order (already shuffled)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["sentence"] for row in rows], np.array([int(row["label"]) for row in rows], np.int32)


def split_train_validation(
    sentences: list[str], labels: np.ndarray, validation_fraction: float = 0.2
) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """A fixed split (the last fraction of the file is validation), so two runs with different
    settings are scored on the same held-out sentences. The corpus has no duplicate sentences."""
    cut = len(sentences) - int(round(len(sentences) * validation_fraction))
    return (sentences[:cut], labels[:cut]), (sentences[cut:], labels[cut:])


def load_sarcasm_json(path: Path) -> tuple[list[str], np.ndarray]:
    """Headlines and is_sarcastic labels from the Sarcasm dataset's file.

    The book's sarcasm.json is one JSON list; the original Kaggle release has one JSON object per
    line. Both are accepted."""
    text = Path(path).read_text(encoding="utf-8").strip()
    if text.startswith("["):
        rows = json.loads(text)
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [row["headline"] for row in rows], np.array([int(row["is_sarcastic"]) for row in rows], np.int32)


def load_sarcasm(url: str = SARCASM_URL) -> tuple[list[str], np.ndarray]:
    """The real Sarcasm dataset for learners who are online (downloaded once by Keras)."""
    from skills.training import keras

    path = keras().utils.get_file("sarcasm.json", origin=url)
    return load_sarcasm_json(Path(path))


def load_song_lines(path: Path = SONGS) -> list[str]:
    """Non-empty lines, lower-cased: one line of a song is one training sentence."""
    return [line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---- word tokenizer (Keras TextVectorization) ----------------------------------------------

def fit_vectorizer(texts: list[str], vocab_size: int | None, max_length: int | None = None) -> Any:
    """A TextVectorization layer adapted on `texts`: the vocab_size - 2 most frequent words get
    ids 2.. (None: every word), id 1 is "[UNK]" and id 0 pads sequences to max_length (None:
    to the longest in each batch)."""
    from skills.training import keras

    vectorizer = keras().layers.TextVectorization(
        max_tokens=vocab_size, output_mode="int", output_sequence_length=max_length)
    vectorizer.adapt(texts)
    return vectorizer


def vocabulary_of(vectorizer: Any) -> list[str]:
    """The layer's vocabulary as plain str (id order), ready for JSON and vocab.txt."""
    return [str(word) for word in vectorizer.get_vocabulary()]


def vectorizer_from_vocabulary(vocabulary: list[str], max_length: int | None = None) -> Any:
    """The same tokenizer rebuilt from a saved vocabulary (for a finished run's model)."""
    from skills.training import keras

    return keras().layers.TextVectorization(
        output_mode="int", output_sequence_length=max_length, vocabulary=vocabulary)


def save_vocabulary(vocabulary: list[str], path: Path) -> Path:
    """One token per line; line i is id i (line 0 is the empty padding token)."""
    path.write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    return path


def load_vocabulary(path: Path) -> list[str]:
    vocabulary = path.read_text(encoding="utf-8").split("\n")[:-1]
    if vocabulary[:2] != [PAD_TOKEN, OOV_TOKEN]:
        raise ValueError(f"{path} is not a vocab.txt written by save_vocabulary")
    return vocabulary


def words(text: str) -> list[str]:
    """The words TextVectorization sees in `text` (lower-cased, punctuation stripped)."""
    import tensorflow as tf

    standardized = tf.strings.regex_replace(tf.strings.lower(text), STRIP_REGEX, "")
    return [w.decode("utf-8") for w in tf.strings.split(standardized).numpy().tolist()]


def word_tokens(text: str, vectorizer: Any) -> dict:
    """How the word tokenizer sees `text`: its words (cut to the padded length), their padded
    ids, and which words were out of vocabulary (mapped to "[UNK]", id 1)."""
    ids = vectorizer([text]).numpy()[0].tolist()
    tokens = words(text)[:len(ids)]
    oov = [word for word, i in zip(tokens, ids) if i == 1]
    return {"keras_tokens": tokens, "keras_ids": ids, "oov_words": list(dict.fromkeys(oov))}


# ---- subword tokenizer (sentencepiece) -----------------------------------------------------

def train_subword_model(texts: list[str], cache_dir: Path, vocab_size: int = 500) -> Path:
    """Train (or reuse) a sentencepiece unigram model on `texts`; the file name carries a hash of
    the corpus and settings, so repeated calls cost a file check, not a training."""
    import sentencepiece as spm

    key = hashlib.sha256(("\n".join(texts) + f"|{vocab_size}").encode("utf-8")).hexdigest()[:16]
    model = Path(cache_dir) / f"subword-{key}.model"
    if model.exists():
        return model
    model.parent.mkdir(parents=True, exist_ok=True)
    prefix = model.parent / f".tmp-{key}-{os.getpid()}"
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_prefix=str(prefix), vocab_size=vocab_size,
        model_type="unigram", hard_vocab_limit=False, num_threads=1, minloglevel=2,
        normalization_rule_name="nmt_nfkc_cf",  # case-folded, like the word tokenizer
    )
    os.replace(f"{prefix}.model", model)  # atomic: a concurrent caller never sees half a file
    Path(f"{prefix}.vocab").unlink(missing_ok=True)
    return model


@lru_cache(maxsize=8)
def _subword_processor(model_path: str) -> "spm.SentencePieceProcessor":
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=model_path)


def subword_tokens(text: str, model_path: Path) -> dict:
    """Subword pieces ("▁" marks the start of a word) and their ids; characters the corpus never
    had (rare punctuation) become id 0, sentencepiece's <unk>."""
    processor = _subword_processor(str(model_path))
    return {
        "subword_pieces": processor.encode(text, out_type=str),
        "subword_ids": processor.encode(text, out_type=int),
    }
