"""Text of the files the export skill hands a learner: a Python LiteRT script, a TF Serving shell
script, an Android Kotlin sketch and a self-contained TF.js web page.

Each snippet carries one REAL validation row of the exported model, so it runs (or curls) as
written and prints a prediction the learner can compare with the chat's numbers.

The texts are files in skills/templates/, filled in with string.Template ($name placeholders, a
literal $ written $$); this module only computes what goes into them.
"""

import json
from functools import cache
from pathlib import Path
from string import Template

import numpy as np

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _template_text(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render(name: str, **values: object) -> str:
    """A template filled in; a placeholder without a value raises KeyError (no silent gaps)."""
    return Template(_template_text(name)).substitute({key: str(value) for key, value in values.items()})


def _literal(values: np.ndarray) -> str:
    """Numbers as a compact comma-separated literal (ints stay ints, floats keep 6 digits)."""
    flat = np.asarray(values).reshape(-1)
    if np.issubdtype(flat.dtype, np.integer):
        return ", ".join(str(int(v)) for v in flat)
    return ", ".join(f"{float(v):.6g}" for v in flat)


def _nested_json(values: np.ndarray) -> str:
    """A row as nested JSON lists of its real shape, for TF Serving's "instances"."""
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.integer):
        return json.dumps(array.astype(int).tolist(), separators=(",", ":"))
    return json.dumps(np.round(array.astype(float), 6).tolist(), separators=(",", ":"))


# ---- Python: ai_edge_litert --------------------------------------------------------------------

def litert_script(tflite_file: str, example: np.ndarray, label: str, describe: str) -> str:
    """predict_litert.py: loads the TFLite file beside it and predicts one validation row.

    `describe` is Python source of a function body turning `output` (a 1-D float array) into text.
    """
    dtype = "np.int32" if np.issubdtype(np.asarray(example).dtype, np.integer) else "np.float32"
    shape = tuple(int(d) for d in np.asarray(example).shape)
    return render("predict_litert.py.txt", tflite_file=tflite_file, label=label, shape_list=list(shape),
                  values=_literal(example), dtype=dtype, shape=repr(shape), describe_body=describe)


def describe_source(task: str, class_names: list[str] | None) -> str:
    """The body of predict_litert.py's describe(output) for this kind of model."""
    if task == "regression":
        return '    return f"{float(output[0]):.4f}"'
    if task == "binary":
        names = class_names or ["0", "1"]
        return (f"    names = {names!r}\n"
                "    p = float(output[0])\n"
                '    return f"{names[int(p > 0.5)]} (p = {p:.3f})"')
    literal = json.dumps(class_names) if class_names and len(class_names) <= 100 else "None"
    return (f"    names = {literal}\n"
            "    best = int(np.argmax(output))\n"
            "    name = names[best] if names else str(best)\n"
            '    return f"{name} (probability {float(output[best]):.3f})"')


# ---- TF Serving --------------------------------------------------------------------------------

def serving_script(model_name: str, version: int, archive: str, example: np.ndarray, label: str) -> str:
    """serving.sh: unpack the SavedModel, start TF Serving in Docker, ask it for one prediction."""
    body = json.dumps({"instances": "__ROW__"}).replace('"__ROW__"', f"[{_nested_json(example)}]")
    return render("serving.sh", model_name=model_name, version=version, archive=archive, label=label,
                  body=body)


# ---- Android (Kotlin) --------------------------------------------------------------------------

def _kotlin_array(shape: list[int], integer: bool, source: str) -> str:
    """Nested Kotlin arrays of `shape` filled from the flat array `source` (row-major)."""
    leaf = "IntArray" if integer else "FloatArray"
    names = [f"i{d}" for d in range(len(shape))]
    index = names[0]
    for name, size in zip(names[1:], shape[1:]):
        index = f"({index}) * {size} + {name}"
    text = f"{leaf}({shape[-1]}) {{ {names[-1]} -> {source}[{index}] }}"
    for name, size in zip(reversed(names[:-1]), reversed(shape[:-1])):
        text = f"Array({size}) {{ {name} -> {text} }}"
    return text


def kotlin_activity(tflite_file: str, example: np.ndarray, label: str, output_size: int,
                    task: str, class_names: list[str] | None, note: str = "") -> str:
    """MainActivity.kt: a sketch that runs the TFLite file on one validation row on Android."""
    example = np.asarray(example)
    integer = bool(np.issubdtype(example.dtype, np.integer))
    shape = [1, *map(int, example.shape)]
    values = (f"intArrayOf({_literal(example)})" if integer else
              "floatArrayOf(" + ", ".join(f"{float(v):.6g}f" for v in example.reshape(-1)) + ")")
    if task == "regression":
        answer = 'val answer = "%.4f".format(output[0][0])'
    elif task == "binary":
        names = class_names or ["0", "1"]
        answer = (f'val answer = if (output[0][0] > 0.5f) "{names[1]}" else "{names[0]}"')
    elif class_names and len(class_names) <= 100:
        answer = ("val names = listOf(" + ", ".join(json.dumps(n) for n in class_names) + ")\n"
                  "        val best = output[0].indices.maxByOrNull { output[0][it] } ?: 0\n"
                  "        val answer = names[best]")
    else:
        answer = ("val best = output[0].indices.maxByOrNull { output[0][it] } ?: 0\n"
                  '        val answer = "class $best"')
    return render("MainActivity.kt", tflite_file=tflite_file, note_line=f"\n// {note}" if note else "",
                  label=label, shape=shape, example_array=values,
                  input_array=_kotlin_array(shape, integer, "example"), output_size=output_size,
                  answer_code=answer)


# ---- TF.js web page ----------------------------------------------------------------------------

def _json_for_html(value: object) -> str:
    """JSON that is safe inside a <script> element ("<" escaped, so no "</script>" can appear)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def tfjs_page(config: dict) -> str:
    """index.html for the tfjs/ folder: loads ./tf.min.js and ./model.json (no CDN) and predicts
    from a drawing/upload (image models) or a text field (words, numbers)."""
    shape = config["inputShape"]
    if config["kind"] == "image":
        controls = render("tfjs_controls_image.html", draw_what=config.get("drawWhat", "digit"),
                          height=shape[0], width=shape[1])
    else:
        prompt = {"tokens": "Type a sentence:",
                  "window": f"The last {shape[0]} values of the series, comma-separated:",
                  "number": "x ="}[config["kind"]]
        field = ('<textarea id="text" rows="3" cols="60"></textarea>' if config["kind"] != "number"
                 else '<input id="text" type="number" step="any">')
        controls = render("tfjs_controls_text.html", prompt=prompt, field=field)
    # The page library's pure functions (no DOM) stay a script of their own, so a test can run
    # them in Node and compare them with Python's preprocessing.
    return render("tfjs_index.html", title=config["title"], controls=controls.removesuffix("\n"),
                  config_json=_json_for_html(config), page_library=_template_text("tfjs_page_lib.js"),
                  page_ui=_template_text("tfjs_page_ui.js"))
