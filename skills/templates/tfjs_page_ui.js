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
