"""Text of the files the export skill hands a learner: a Python LiteRT script, a TF Serving shell
script, an Android Kotlin sketch and a self-contained TF.js web page.

Each snippet carries one REAL validation row of the exported model, so it runs (or curls) as
written and prints a prediction the learner can compare with the chat's numbers.
"""

import json

import numpy as np


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
    return f'''"""Predict with {tflite_file} using LiteRT (ai_edge_litert), as an app or server would.

pip install ai-edge-litert numpy   # then: python predict_litert.py
"""
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

MODEL = Path(__file__).resolve().parent / "{tflite_file}"
# One real validation row (expected answer: {label}), in the model's input shape {list(shape)}.
EXAMPLE = np.array([{_literal(example)}], dtype={dtype}).reshape({shape!r})


def predict(row):
    interpreter = Interpreter(model_path=str(MODEL))
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    x = row[None]  # add the batch dimension
    scale, zero_point = inp["quantization"]
    if inp["dtype"] in (np.int8, np.uint8) and scale:  # a full-integer model: quantize the input
        x = np.round(x / scale + zero_point)
    interpreter.set_tensor(inp["index"], x.astype(inp["dtype"]))
    interpreter.invoke()
    y = interpreter.get_tensor(out["index"])[0]
    scale, zero_point = out["quantization"]
    if out["dtype"] in (np.int8, np.uint8) and scale:  # and dequantize its output
        y = (y.astype(np.float32) - zero_point) * scale
    return y.astype(np.float32)


def describe(output):
{describe}


output = predict(EXAMPLE)
print("output:", [round(float(v), 4) for v in output])
print("prediction:", describe(output))
'''


def describe_source(task: str, class_names: list[str] | None) -> str:
    """The body of predict_litert.py's describe(output) for this kind of model."""
    if task == "regression":
        return '    return f"{float(output[0]):.4f}"'
    if task == "binary":
        names = class_names or ["0", "1"]
        return (f"    names = {names!r}\n"
                "    p = float(output[0])\n"
                '    return f"{names[int(p > 0.5)]} (p = {p:.3f})"')
    names = json.dumps(class_names) if class_names and len(class_names) <= 100 else "None"
    return (f"    names = {names}\n"
            "    best = int(np.argmax(output))\n"
            "    name = names[best] if names else str(best)\n"
            '    return f"{name} (probability {float(output[best]):.3f})"')


# ---- TF Serving --------------------------------------------------------------------------------

def serving_script(model_name: str, version: int, archive: str, example: np.ndarray, label: str) -> str:
    """serving.sh: unpack the SavedModel, start TF Serving in Docker, ask it for one prediction."""
    body = json.dumps({"instances": "__ROW__"}).replace('"__ROW__"', f"[{_nested_json(example)}]")
    return f"""#!/bin/sh
# Serve {model_name} (version {version}) with TensorFlow Serving and ask it for one prediction.
# Needs Docker. Run from the folder that holds {archive}.
set -e
tar xzf {archive}   # -> {model_name}/{version}/saved_model.pb + variables/

# Start the server in the background (book chapter 19's command; add --rm to clean up after).
docker run -p 8501:8501 --mount type=bind,source=$(pwd)/{model_name},target=/models/{model_name} -e MODEL_NAME={model_name} -t tensorflow/serving &
sleep 10   # give the server a moment to load the model

# One real validation row (expected answer: {label}); the reply is {{"predictions": [[...]]}}.
curl -d '{body}' \\
  -X POST http://localhost:8501/v1/models/{model_name}:predict

# Model status and signature:
#   curl http://localhost:8501/v1/models/{model_name}
#   curl http://localhost:8501/v1/models/{model_name}/metadata
# Stop it: kill %1   (or docker stop <container id> from docker ps)
"""


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
    extra = f"\n// {note}" if note else ""
    return f"""// MainActivity.kt: run {tflite_file} on Android with TensorFlow Lite (book chapter 13).
// app/build.gradle: implementation("org.tensorflow:tensorflow-lite:2.16.1")
// Copy {tflite_file} to app/src/main/assets/ (and keep it uncompressed: androidResources {{ noCompress += "tflite" }}).{extra}
package com.example.tutor

import android.os.Bundle
import android.util.Log
import androidx.appcompat.app.AppCompatActivity
import org.tensorflow.lite.Interpreter
import java.io.FileInputStream
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel

class MainActivity : AppCompatActivity() {{
    private lateinit var tflite: Interpreter

    override fun onCreate(savedInstanceState: Bundle?) {{
        super.onCreate(savedInstanceState)
        tflite = Interpreter(loadModelFile("{tflite_file}"))

        // One real validation row (expected answer: {label}), input shape {shape}.
        val example = {values}
        val input = {_kotlin_array(shape, integer, "example")}
        val output = Array(1) {{ FloatArray({output_size}) }}
        tflite.run(input, output)

        {answer}
        Log.i("Tutor", "prediction: $answer")
    }}

    override fun onDestroy() {{
        tflite.close()
        super.onDestroy()
    }}

    private fun loadModelFile(name: String): MappedByteBuffer {{
        val file = assets.openFd(name)
        FileInputStream(file.fileDescriptor).channel.use {{ channel ->
            return channel.map(FileChannel.MapMode.READ_ONLY, file.startOffset, file.declaredLength)
        }}
    }}
}}
"""


# ---- TF.js web page ----------------------------------------------------------------------------

def _json_for_html(value) -> str:
    """JSON that is safe inside a <script> element ("<" escaped, so no "</script>" can appear)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


# Pure functions (no DOM): a test can run them in Node and compare with Python's preprocessing.
PAGE_LIBRARY = r"""
var tutorLib = (function () {
  function tokenize(text, config) {
    // Like TextVectorization's default: lower-case, strip punctuation, split on whitespace.
    var clean = String(text).toLowerCase().replace(new RegExp(config.stripRegex, "g"), "");
    var index = config.wordIndex || (config.wordIndex = Object.create(null));
    if (!config.wordIndexBuilt) {
      config.vocabulary.forEach(function (word, i) { if (i > 0) index[word] = i; });
      config.wordIndexBuilt = true;
    }
    var ids = clean.split(/\s+/).filter(function (w) { return w.length > 0; })
      .map(function (w) { return w in index ? index[w] : 1; });   // 1 = "[UNK]"
    var n = config.maxLength;
    if (config.padding === "pre") {            // keep the LAST n words, zeros in front
      ids = ids.slice(Math.max(0, ids.length - n));
      while (ids.length < n) ids.unshift(0);
    } else {                                   // keep the FIRST n words, zeros behind
      ids = ids.slice(0, n);
      while (ids.length < n) ids.push(0);
    }
    return ids;
  }

  function detokenize(ids, config) {
    return ids.filter(function (i) { return i > 0; })
      .map(function (i) { return config.vocabulary[i] || "[UNK]"; }).join(" ");
  }

  function pixelsToInput(gray, width, height, config) {
    // gray: brightness 0..1 per pixel, row-major. Ink is bright (as in the training images);
    // a light background (an uploaded photo of ink on paper) is inverted first. The ink's
    // bounding box is centred in a square with a margin, then area-averaged to the model's size.
    var shape = config.inputShape, outH = shape[0], outW = shape[1], channels = shape[2] || 1;
    var mean = 0, i;
    for (i = 0; i < gray.length; i++) mean += gray[i];
    mean /= gray.length;
    var ink = new Float32Array(gray.length);
    for (i = 0; i < gray.length; i++) ink[i] = mean > 0.5 ? 1 - gray[i] : gray[i];
    var x0 = width, y0 = height, x1 = -1, y1 = -1, x, y;
    for (y = 0; y < height; y++) for (x = 0; x < width; x++) {
      if (ink[y * width + x] > 0.2) {
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
    var values = new Array(outH * outW * channels).fill(0);
    if (x1 < 0) return values;                 // nothing drawn
    var side = Math.max(x1 - x0 + 1, y1 - y0 + 1) * (1 + 2 * config.margin);
    var cx = (x0 + x1 + 1) / 2, cy = (y0 + y1 + 1) / 2;
    var sums = new Float32Array(outH * outW), counts = new Float32Array(outH * outW);
    for (y = 0; y < height; y++) for (x = 0; x < width; x++) {
      var u = Math.floor(((x + 0.5 - cx) / side + 0.5) * outW);
      var v = Math.floor(((y + 0.5 - cy) / side + 0.5) * outH);
      if (u < 0 || v < 0 || u >= outW || v >= outH) continue;
      sums[v * outW + u] += ink[y * width + x];
      counts[v * outW + u] += 1;
    }
    var cell = (side / outW) * (side / outH), peak = 0, k;
    for (k = 0; k < sums.length; k++) { sums[k] = sums[k] / Math.max(cell, 1); peak = Math.max(peak, sums[k]); }
    for (k = 0; k < sums.length; k++) {
      var value = peak > 0 ? Math.min(1, sums[k] / peak) : 0;
      for (var c = 0; c < channels; c++) values[k * channels + c] = value;
    }
    return values;
  }

  function parseNumbers(text) {
    return String(text).split(/[\s,;]+/).filter(function (s) { return s.length > 0; }).map(Number);
  }

  function flatten(value) {
    return Array.isArray(value) ? value.reduce(function (all, v) { return all.concat(flatten(v)); }, []) : [value];
  }

  function toInputValues(input, config) {
    // What tutorPredict accepts: image -> numbers (flat or nested) in [0, 1]; tokens -> a
    // sentence or an array of ids; window -> numbers or "1, 2, 3"; number -> a number.
    var size = config.inputShape.reduce(function (a, b) { return a * b; }, 1), values;
    if (config.kind === "tokens") values = typeof input === "string" ? tokenize(input, config) : flatten(input);
    else if (typeof input === "string") values = parseNumbers(input);
    else values = flatten(input).map(Number);
    if (values.length !== size || values.some(function (v) { return !isFinite(v); })) {
      throw new Error("expected " + size + " numbers for input shape [" + config.inputShape + "], got " + values.length);
    }
    return values;
  }

  function describe(output, config) {
    var result = { output: output };
    if (config.task === "regression") {
      result.value = output[0];
      result.text = (config.outputLabel || "prediction") + ": " + output[0].toFixed(4);
    } else if (config.task === "binary") {
      var names = config.classNames || ["0", "1"];
      result.probability = output[0];
      result.label = names[output[0] > 0.5 ? 1 : 0];
      result.text = result.label + " (p = " + output[0].toFixed(3) + ")";
    } else {
      var order = output.map(function (p, i) { return i; })
        .sort(function (a, b) { return output[b] - output[a]; }).slice(0, 3);
      var label = function (i) { return config.classNames ? config.classNames[i] : String(i); };
      result.label = label(order[0]);
      result.probability = output[order[0]];
      result.top = order.map(function (i) { return { label: label(i), probability: output[i] }; });
      result.text = result.top.map(function (t) { return t.label + " " + (100 * t.probability).toFixed(1) + "%"; }).join(", ");
    }
    return result;
  }

  return { tokenize: tokenize, detokenize: detokenize, pixelsToInput: pixelsToInput,
           parseNumbers: parseNumbers, toInputValues: toInputValues, describe: describe };
})();
"""

PAGE_UI = r"""
(function () {
  var config = JSON.parse(document.getElementById("tutor-config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var model = null;
  var status = $("status"), answer = $("answer");

  async function predictValues(values) {
    var x = tf.tensor(values, [1].concat(config.inputShape), config.dtype);
    var y = model.predict(x);
    var output = Array.from(await y.data());
    x.dispose(); y.dispose();
    return tutorLib.describe(output, config);
  }

  window.tutorPredict = async function (input) {
    if (!model) throw new Error("the model is still loading");
    var result = await predictValues(tutorLib.toInputValues(input, config));
    answer.textContent = result.text;
    return result;
  };

  // ---- image input: draw with mouse/touch, or upload a picture -----------------------------
  function setUpImage() {
    var canvas = $("pad"), ctx = canvas.getContext("2d"), drawing = false;
    var clear = function () { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height); };
    clear();
    ctx.strokeStyle = "#fff"; ctx.lineWidth = canvas.width / 11; ctx.lineCap = "round"; ctx.lineJoin = "round";
    var point = function (e) { var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
    canvas.addEventListener("pointerdown", function (e) { drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(p[0] + 0.1, p[1]); ctx.stroke(); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) return;
      var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
    var finish = function () { if (drawing) { drawing = false; predictCanvas(); } };
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    $("clear").addEventListener("click", function () { clear(); answer.textContent = ""; });
    $("upload").addEventListener("change", function (e) {
      var file = e.target.files[0]; if (!file) return;
      var img = new Image();
      img.onload = function () {
        clear();
        var s = Math.min(canvas.width / img.width, canvas.height / img.height);
        ctx.drawImage(img, (canvas.width - img.width * s) / 2, (canvas.height - img.height * s) / 2, img.width * s, img.height * s);
        URL.revokeObjectURL(img.src); predictCanvas();
      };
      img.src = URL.createObjectURL(file);
    });
    async function predictCanvas() {
      var data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      var gray = new Float32Array(canvas.width * canvas.height);
      for (var i = 0; i < gray.length; i++) gray[i] = (data[4 * i] + data[4 * i + 1] + data[4 * i + 2]) / 765;
      var values = tutorLib.pixelsToInput(gray, canvas.width, canvas.height, config);
      showPreview(values);
      await window.tutorPredict(values);
    }
    function showPreview(values) {
      var preview = $("preview"), h = config.inputShape[0], w = config.inputShape[1], c = config.inputShape[2] || 1;
      preview.width = w; preview.height = h;
      var pctx = preview.getContext("2d"), image = pctx.createImageData(w, h);
      for (var k = 0; k < w * h; k++) { var v = Math.round(255 * values[k * c]);
        image.data[4 * k] = image.data[4 * k + 1] = image.data[4 * k + 2] = v; image.data[4 * k + 3] = 255; }
      pctx.putImageData(image, 0, 0);
    }
    showPreview(config.example.flat ? config.example.flat(Infinity) : config.example);
  }

  function setUpText() {
    var field = $("text");
    field.value = config.kind === "tokens" ? tutorLib.detokenize(config.example.flat(), config)
      : config.example.flat(Infinity).join(", ");
    $("go").addEventListener("click", function () {
      window.tutorPredict(field.value).catch(function (err) { answer.textContent = err.message; });
    });
  }

  (config.kind === "image" ? setUpImage : setUpText)();
  tf.loadLayersModel("./model.json").then(async function (loaded) {
    model = loaded;
    await predictValues(config.example.flat(Infinity));   // warm up: the first predict compiles
    status.textContent = "Model loaded (" + config.title + ").";
    document.body.dataset.ready = "1";
  }).catch(function (err) {
    status.textContent = "Could not load ./model.json: " + err.message +
      ". Serve this folder over http (python -m http.server) instead of opening the file directly.";
    document.body.dataset.error = err.message;
  });
})();
"""


def tfjs_page(config: dict) -> str:
    """index.html for the tfjs/ folder: loads ./tf.min.js and ./model.json (no CDN) and predicts
    from a drawing/upload (image models) or a text field (words, numbers)."""
    title = config["title"]
    if config["kind"] == "image":
        controls = f"""<p>Draw a {config.get('drawWhat', 'digit')} with the mouse or a finger, or upload a picture.</p>
<canvas id="pad" width="224" height="224" style="touch-action:none;border:1px solid #888;cursor:crosshair"></canvas>
<div><button id="clear">Clear</button> <input id="upload" type="file" accept="image/*"></div>
<p>What the model sees ({config['inputShape'][0]}x{config['inputShape'][1]}):
<canvas id="preview" width="{config['inputShape'][1]}" height="{config['inputShape'][0]}"
 style="width:64px;height:64px;image-rendering:pixelated;border:1px solid #888;vertical-align:middle"></canvas></p>"""
    else:
        prompt = {"tokens": "Type a sentence:",
                  "window": f"The last {config['inputShape'][0]} values of the series, comma-separated:",
                  "number": "x ="}[config["kind"]]
        field = ('<textarea id="text" rows="3" cols="60"></textarea>' if config["kind"] != "number"
                 else '<input id="text" type="number" step="any">')
        controls = f"<p><label>{prompt}<br>{field}</label></p>\n<button id=\"go\">Predict</button>"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}}
#answer{{font-size:1.4em;font-weight:bold;min-height:1.5em}}</style>
</head>
<body>
<h1>{title}</h1>
<p id="status">Loading the model...</p>
{controls}
<p id="answer"></p>
<p><small>Runs entirely in your browser with TensorFlow.js (tf.min.js beside this page). Serve the
folder over http, e.g. <code>python -m http.server</code>, then open http://localhost:8000/.</small></p>
<script id="tutor-config" type="application/json">{_json_for_html(config)}</script>
<script src="./tf.min.js"></script>
<script id="tutor-lib">{PAGE_LIBRARY}</script>
<script>{PAGE_UI}</script>
</body>
</html>
"""
