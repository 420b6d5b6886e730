"""all-MiniLM-L6-v2 written out as an ONNX graph from its safetensors weights, so the
understanding layer runs in ONNX Runtime instead of NumPy.

Why: a learner's turn must cost a few milliseconds. NumPy's forward pass pays per-operation
overhead in Python and reads every weight matrix separately (measured: 14-24 ms for a short
message on this machine); ONNX Runtime runs the same float32 graph in C++ in 2-3 ms, with the
same vectors (cosine 1.0). Dynamic int8 quantization was 2x faster again but moved vectors too
far (cosine 0.93-0.97 to float32), so it is not used. No converter on PyPI turns these weights into ONNX offline
without PyTorch (tf2onnx needs a TF model of its own, torch.onnx needs torch), and the graph is
six identical BERT layers, so it is written here with onnx.helper, node for node the same as
understanding/minilm.py. Runs at `make setup` in the app environment (which has `onnx`); the
serving processes need only onnxruntime. tests/understanding/test_onnx_graph.py pins the result
to the NumPy encoder.
"""

from pathlib import Path

import numpy as np

from understanding.minilm import EPS, HEADS, LAYERS, default_model_dir

OPSET = 17  # LayerNormalization


def _graph(weights: dict[str, np.ndarray]):
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def dense(x: str, w: str, b: str, name: str) -> str:
        return node("Add", [node("MatMul", [x, w], f"{name}.mm"), b], name)

    def layer_norm(x: str, prefix: str, name: str) -> str:
        return node("LayerNormalization", [x, const(f"{prefix}.weight", weights[f"{prefix}.weight"]),
                                            const(f"{prefix}.bias", weights[f"{prefix}.bias"])],
                    name, axis=-1, epsilon=EPS)

    size = weights["embeddings.word_embeddings.weight"].shape[1]
    head = size // HEADS
    # Embeddings: words + positions[:length] + token type 0, then LayerNorm.
    words = node("Gather", [const("words", weights["embeddings.word_embeddings.weight"]), "input_ids"], "emb.words")
    length = node("Gather", [node("Shape", ["input_ids"], "emb.shape"), const("one", np.array(1, np.int64))],
                  "emb.length")
    positions = node("Slice", [const("positions", weights["embeddings.position_embeddings.weight"]),
                               const("zero_1d", np.array([0], np.int64)),
                               node("Unsqueeze", [length, const("axes0", np.array([0], np.int64))], "emb.end"),
                               const("axes0_", np.array([0], np.int64))], "emb.positions")
    x = node("Add", [node("Add", [words, positions], "emb.sum"),
                     const("token_type", weights["embeddings.token_type_embeddings.weight"][0])], "emb.typed")
    x = layer_norm(x, "embeddings.LayerNorm", "emb.norm")
    # Padding is never attended to: (1 - mask) * -1e9, shaped (batch, 1, 1, length).
    blocked = node("Mul", [node("Sub", [const("one_f", np.float32(1.0)), "attention_mask"], "mask.inv"),
                           const("neg", np.float32(-1e9))], "mask.neg")
    blocked = node("Unsqueeze", [blocked, const("axes12", np.array([1, 2], np.int64))], "mask.blocked")
    split_shape = const("split_shape", np.array([0, 0, HEADS, head], np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, size], np.int64))
    sizes = const("qkv_sizes", np.array([size] * 3, np.int64))
    scale = const("scale", np.float32(1.0 / np.sqrt(head)))
    for i in range(LAYERS):
        p, n = f"encoder.layer.{i}.", f"l{i}"
        qkv_w = np.concatenate([weights[p + f"attention.self.{t}.weight"] for t in ("query", "key", "value")]).T
        qkv_b = np.concatenate([weights[p + f"attention.self.{t}.bias"] for t in ("query", "key", "value")])
        qkv = dense(x, const(f"{n}.qkv.w", np.ascontiguousarray(qkv_w)), const(f"{n}.qkv.b", qkv_b), f"{n}.qkv")
        nodes.append(helper.make_node("Split", [qkv, sizes], [f"{n}.q0", f"{n}.k0", f"{n}.v0"], name=f"{n}.split",
                                      axis=-1))
        q, k, v = (node("Reshape", [f"{n}.{t}0", split_shape], f"{n}.{t}1") for t in "qkv")
        q = node("Transpose", [q], f"{n}.q", perm=[0, 2, 1, 3])
        k = node("Transpose", [k], f"{n}.kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [v], f"{n}.v", perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k], f"{n}.qk"), scale], f"{n}.scaled"), blocked],
                      f"{n}.scores")
        attention = node("Softmax", [scores], f"{n}.attn", axis=-1)
        context = node("Transpose", [node("MatMul", [attention, v], f"{n}.ctx0")], f"{n}.ctx1", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge_shape], f"{n}.ctx")
        out = dense(context, const(f"{n}.out.w", np.ascontiguousarray(weights[p + "attention.output.dense.weight"].T)),
                    const(f"{n}.out.b", weights[p + "attention.output.dense.bias"]), f"{n}.out")
        x = layer_norm(node("Add", [x, out], f"{n}.res1"), p + "attention.output.LayerNorm", f"{n}.norm1")
        up = dense(x, const(f"{n}.up.w", np.ascontiguousarray(weights[p + "intermediate.dense.weight"].T)),
                   const(f"{n}.up.b", weights[p + "intermediate.dense.bias"]), f"{n}.up")
        # GELU as BERT defines it: 0.5 x (1 + erf(x / sqrt 2)).
        erf = node("Erf", [node("Mul", [up, const(f"{n}.isqrt2", np.float32(1 / np.sqrt(2)))], f"{n}.g0")], f"{n}.g1")
        gelu = node("Mul", [node("Mul", [up, const(f"{n}.half", np.float32(0.5))], f"{n}.g2"),
                            node("Add", [erf, const(f"{n}.one", np.float32(1.0))], f"{n}.g3")], f"{n}.gelu")
        down = dense(gelu, const(f"{n}.down.w", np.ascontiguousarray(weights[p + "output.dense.weight"].T)),
                     const(f"{n}.down.b", weights[p + "output.dense.bias"]), f"{n}.down")
        x = layer_norm(node("Add", [x, down], f"{n}.res2"), p + "output.LayerNorm", f"{n}.norm2")
    # Mean over the real tokens, then unit length (a dot product is the cosine).
    mask = node("Unsqueeze", ["attention_mask", const("axes2", np.array([2], np.int64))], "pool.mask")
    axis1 = const("axis1", np.array([1], np.int64))
    total = node("ReduceSum", [node("Mul", [x, mask], "pool.masked"), axis1], "pool.sum", keepdims=0)
    mean = node("Div", [total, node("ReduceSum", [mask, axis1], "pool.count", keepdims=0)], "pool.mean")
    unit = node("Div", [mean, node("ReduceL2", [mean], "pool.l2", axes=[-1], keepdims=1)], "embedding")
    return helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "length"])],
        [helper.make_tensor_value_info(unit, TensorProto.FLOAT, ["batch", size])], inits)


def export(target: Path, model_dir: Path | None = None) -> Path:
    """Write the graph to `target` (atomically) and return it."""
    import onnx
    from onnx import helper
    from safetensors.numpy import load_file

    weights = load_file(str((model_dir or default_model_dir()) / "model.safetensors"))
    model = helper.make_model(_graph(weights), opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="tutor-understanding")
    model.ir_version = 8  # readable by every onnxruntime release since 1.10
    onnx.checker.check_model(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    onnx.save(model, str(tmp))
    tmp.replace(target)
    return target
