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
