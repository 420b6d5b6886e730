// Turns learner and bot messages into transcript nodes. Each function builds DOM with textContent
// (never innerHTML) except bot markdown, which goes through DOMPurify (markdown.js).
import { markdownToHtml } from "./markdown.js";
import { downloadable, fileName, formatNumber, humanSize, kindLabel, looksLikeCode, metricRows, nameParts,
         safeUrl } from "./format.js";

// "Job #3 has started training." / "Job #3 is running: epoch 100/500, loss 0.2 (20%)."
// These texts are shown in the job's progress bar instead of as bubbles (other channels keep them).
const PROGRESS_TEXT = /^Job #(\d+) (?:has started training\.|is running: .*\(\d+%\)\.)$/;
// A finished result's and the models list's text: the card that follows in the same message
// carries it (payload.text, or the list itself), so each is shown once (other channels keep it).
const CARD_TEXT = /^(?:Job #\d+ is done\.|Your trained models, newest first:)/;
// A plot this much wider than tall (the prediction grid, a confusion matrix beside its labels)
// keeps its natural size on a phone and scrolls sideways, so its captions stay readable.
// A plot is "wide" (kept at its natural size, scrolling sideways on a phone) when it is both
// much wider than tall and big enough that fitting a phone's width would shrink its captions
// below reading size: the prediction grid and side-by-side curves, not a single loss curve.
const WIDE_PLOT = 1.6;
const WIDE_PLOT_MIN_PX = 720;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A "Copy" button on a code block: answers carry code a learner pastes into their notebook. */
function addCopyButton(pre) {
  const button = el("button", "copy-code", "Copy");
  button.type = "button";
  button.setAttribute("aria-label", "Copy this code");
  button.addEventListener("click", async () => {
    const code = (pre.querySelector("code") || pre).textContent;
    try {
      await navigator.clipboard.writeText(code);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and copy";  // no clipboard access (plain http, old browser)
    }
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
  pre.classList.add("has-copy");
  pre.appendChild(button);
}

/** A file name that may wrap only after its separators ("hello_neuron.<wbr>tflite"). */
function nameNode(name) {
  const span = el("span", "dl-name");
  for (const part of nameParts(name)) {
    if (span.childNodes.length) span.appendChild(document.createElement("wbr"));
    span.appendChild(document.createTextNode(part));
  }
  return span;
}

const OPENS = new Set(["tfjs-page"]);

export function createRenderer(log, { onButton, onImage, onAdded }) {
  const bars = new Map(); // job id -> { root, bar, note, status }
  const waiting = new Set(); // button rows clicked, disabled until the reply arrives

  function append(node) {
    log.appendChild(node);
    onAdded(node);
    return node;
  }

  function bubble(who, className = "") {
    const div = el("div", `msg ${who} ${className}`.trim());
    return append(div);
  }

  function buttonsRow(buttons) {
    const row = el("div", "quick-replies");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "Suggested replies");
    for (const b of buttons) {
      const button = el("button", "quick-reply", b.title);
      button.type = "button";
      button.addEventListener("click", () => {
        // One click, one message: the row is off until the reply (release()), so a double
        // click never sends twice (the server is idempotent for lesson answers too).
        if (button.disabled || waiting.has(row)) return;
        for (const other of row.querySelectorAll("button")) other.disabled = true;
        row.dataset.waiting = "true";
        waiting.add(row);
        onButton(b.payload, b.title);
      });
      row.appendChild(button);
    }
    return row;
  }

  function text(msg) {
    const jobText = PROGRESS_TEXT.exec(msg.text.trim());
    if (jobText && bars.has(Number(jobText[1]))) return false;
    if (CARD_TEXT.test(msg.text.trim())) return false;
    const div = bubble("bot", msg.welcome ? "text welcome" : "text");
    const body = el("div", "markdown");
    body.innerHTML = markdownToHtml(msg.text);
    for (const pre of body.querySelectorAll("pre")) addCopyButton(pre);
    div.appendChild(body);
    const buttons = (msg.quick_replies && msg.quick_replies.length ? msg.quick_replies : msg.buttons) || [];
    if (buttons.length) div.appendChild(buttonsRow(buttons));
    return true;
  }

  /** A message from course staff: its own bubble, labelled, plain text (never markdown). */
  function staff(payload) {
    const div = bubble("bot", "text staff");
    div.appendChild(el("div", "staff-label", payload.sender || "Course staff"));
    div.appendChild(el("div", "staff-text", payload.text || ""));
    return true;
  }

  function image(rawSrc) {
    const src = safeUrl(rawSrc);
    if (!src) return false;
    const div = bubble("bot", "image");
    const name = decodeURIComponent(String(src).split("?")[0].split("/").pop() || "plot");
    const alt = `Plot: ${name.replace(/\.[a-z]+$/i, "").replace(/[_-]+/g, " ")}`;
    const button = el("button", "plot");
    button.type = "button";
    button.setAttribute("aria-label", `${alt} (enlarge)`);
    const img = el("img");
    img.src = src;
    img.alt = alt;
    img.loading = "eager";
    img.addEventListener("load", () => {
      if (img.naturalWidth > WIDE_PLOT * img.naturalHeight && img.naturalWidth > WIDE_PLOT_MIN_PX) {
        div.classList.add("wide");
      }
      onAdded(div);
    });
    button.appendChild(img);
    button.addEventListener("click", () => onImage(src, alt, button));
    div.appendChild(button);
    return true;
  }

  function setBar(jobId, { progress, note, status }) {
    const entry = bars.get(jobId);
    if (!entry) return;
    if (typeof progress === "number") {
      const value = Math.max(0, Math.min(1, progress));
      entry.bar.setAttribute("value", String(value));
      entry.percent.textContent = `${Math.round(value * 100)}%`;
    }
    if (note) entry.note.textContent = note;
    if (status) {
      entry.root.dataset.state = status;
      entry.status.textContent = {
        queued: "queued", running: "running", succeeded: "done", failed: "failed", cancelled: "stopped",
      }[status] || status;
    }
  }

  function jobBar(payload) {
    const id = Number(payload.job_id);
    if (!bars.has(id)) {
      const div = bubble("bot", "job");
      div.dataset.jobId = String(id);
      const head = el("div", "job-head");
      head.appendChild(el("span", "job-title", `Job #${id}${payload.skill ? ` · ${payload.skill.replace(/_/g, " ")}` : ""}`));
      const status = el("span", "job-status");
      head.appendChild(status);
      const bar = el("progress", "job-progress");
      bar.max = 1;
      bar.setAttribute("value", "0");
      bar.setAttribute("aria-label", `Job #${id} progress`);
      const foot = el("div", "job-foot");
      const note = el("span", "job-note");
      const percent = el("span", "job-percent", "0%"); // nowrap in styles.css: never "2/4/%"
      foot.append(note, percent);
      div.append(head, bar, foot);
      bars.set(id, { root: div, bar, note, status, percent });
    }
    return id;
  }

  function progress(payload) {
    const id = jobBar(payload);
    setBar(id, { progress: payload.progress, note: payload.note, status: "running" });
    return true;
  }

  function metricsTable(metrics) {
    const rows = metricRows(metrics);
    if (!rows.length) return null;
    const wrap = el("div", "table-wrap");
    const table = el("table", "metrics");
    table.appendChild(el("caption", null, "Metrics"));
    const body = el("tbody");
    for (const row of rows) {
      const tr = el("tr", row.compact ? "compact" : "");
      tr.append(el("th", null, row.label), el("td", null, row.value));
      tr.firstChild.scope = "row";
      body.appendChild(tr);
    }
    table.appendChild(body);
    wrap.appendChild(table);
    return wrap;
  }

  /** The export's TFLite table: every variant by name, its size and score, the recommended one marked. */
  function variantsTable(rows, recommended) {
    const wrap = el("div", "table-wrap");
    const table = el("table", "comparison variants");
    const metric = rows.some((r) => typeof r.accuracy === "number") ? "accuracy" : "mae";
    table.appendChild(el("caption", null, metric === "accuracy" ? "TFLite variants: accuracy on your validation rows"
                                                               : "TFLite variants: MAE on your validation rows (lower is better)"));
    const head = el("thead");
    const hr = el("tr");
    for (const h of ["Variant", "Size", metric === "accuracy" ? "Accuracy" : "MAE", ""]) {
      const th = el("th", null, h);
      th.scope = "col";
      hr.appendChild(th);
    }
    head.appendChild(hr);
    const body = el("tbody");
    for (const r of rows) {
      const pick = r.variant === recommended;
      const tr = el("tr", pick ? "best" : "");
      tr.append(el("td", null, r.variant), el("td", "num", humanSize(r.size_bytes)),
                el("td", "num", formatNumber(r[metric])), el("td", "kind", pick ? "recommended" : ""));
      body.appendChild(tr);
    }
    table.append(head, body);
    wrap.appendChild(table);
    return wrap;
  }

  function comparisonTable(rows) {
    const wrap = el("div", "table-wrap");
    const table = el("table", "comparison");
    table.appendChild(el("caption", null, "Mean absolute error (lower is better)"));
    const head = el("thead");
    const hr = el("tr");
    for (const h of ["Model", "MAE", ""]) {
      const th = el("th", null, h);
      th.scope = "col";
      hr.appendChild(th);
    }
    head.appendChild(hr);
    const body = el("tbody");
    const best = Math.min(...rows.map((r) => (typeof r.mae === "number" ? r.mae : Infinity)));
    for (const r of rows) {
      const tr = el("tr", r.mae === best ? "best" : "");
      tr.append(el("td", null, r.model), el("td", "num", formatNumber(r.mae)),
                el("td", "kind", r.kind === "baseline" ? "baseline" : (r.mae === best ? "best" : "")));
      body.appendChild(tr);
    }
    table.append(head, body);
    wrap.appendChild(table);
    return wrap;
  }

  function downloads(artifacts) {
    const files = downloadable(artifacts).filter((a) => safeUrl(a.url));
    if (!files.length) return null;
    const list = el("ul", "downloads");
    list.setAttribute("aria-label", "Downloads");
    for (const a of files) {
      const li = el("li");
      const link = el("a", "download-card");
      link.href = safeUrl(a.url);
      if (OPENS.has(a.kind)) link.target = "_blank"; // a page to open, not a file to save
      else link.setAttribute("download", fileName(a));
      link.rel = "noopener";
      link.append(nameNode(fileName(a)),
                  el("span", "dl-meta", [kindLabel(a.kind), humanSize(a.size_bytes)].filter(Boolean).join(" · ")));
      li.appendChild(link);
      list.appendChild(li);
    }
    return list;
  }

  function result(payload) {
    const id = Number(payload.job_id);
    if (bars.has(id)) {
      setBar(id, {
        progress: payload.status === "succeeded" ? 1 : undefined,
        note: payload.status === "succeeded" ? "finished" : (payload.error || ""),
        status: payload.status,
      });
    }
    if (payload.status !== "succeeded") return bars.has(id);
    const div = bubble("bot", "result");
    div.dataset.jobId = String(id);
    div.appendChild(el("div", "result-title", `Job #${id} results`));
    if (payload.text) {
      const body = el("div", "markdown result-text");
      body.innerHTML = markdownToHtml(payload.text);
      for (const pre of body.querySelectorAll("pre")) addCopyButton(pre);
      div.appendChild(body);
    }
    if (payload.generated) div.appendChild(el("blockquote", "generated", payload.generated));
    if (Array.isArray(payload.table) && payload.table.length) {
      div.appendChild(payload.table.every((r) => r.variant) ? variantsTable(payload.table, payload.recommended)
                                                           : comparisonTable(payload.table));
    }
    const metrics = metricsTable(payload.metrics);
    if (metrics) div.appendChild(metrics);
    const files = downloads(payload.artifacts);
    if (files) div.appendChild(files);
    return true;
  }

  function models(payload) {
    const items = payload.items || [];
    if (!items.length) return false;
    const div = bubble("bot", "models");
    div.appendChild(el("div", "result-title", "Your trained models, newest first"));
    const list = el("ul", "model-list");
    list.setAttribute("aria-label", "Your models");
    for (const item of items) {
      const li = el("li");
      li.appendChild(el("span", "model-title", `#${item.job_id} ${item.title || item.skill}`));
      if (item.key_metric) li.appendChild(el("span", "model-metric", item.key_metric));
      if (item.settings) li.appendChild(el("span", "model-settings", item.settings));
      if (item.shown === false) li.appendChild(el("span", "model-unseen", "result not yet shown"));
      const files = downloads(item.artifacts);
      if (files) li.appendChild(files);
      list.appendChild(li);
    }
    div.appendChild(list);
    return true;
  }

  function cancelled(payload) {
    for (const id of payload.job_ids || []) setBar(Number(id), { status: "cancelled", note: "cancelled" });
    return (payload.job_ids || []).some((id) => bars.has(Number(id)));
  }

  return {
    /** The learner's message; pasted code or a traceback as a monospaced block, line breaks kept. */
    user(textValue) {
      if (!looksLikeCode(textValue)) {
        bubble("user").textContent = textValue;
        return;
      }
      const pre = el("pre", "user-code");
      pre.appendChild(el("code", null, textValue));
      bubble("user", "code").appendChild(pre);
    },
    /** The reply arrived: clicked button rows take clicks again. */
    release() {
      for (const row of waiting) {
        for (const button of row.querySelectorAll("button")) button.disabled = false;
        delete row.dataset.waiting;
      }
      waiting.clear();
    },
    status(textValue) {
      append(el("div", "status", textValue));
    },
    clear() {
      bars.clear();
      waiting.clear();
      log.replaceChildren();
    },
    /** Render one bot_uttered message; true if it belongs in the stored transcript. */
    bot(msg) {
      if (msg.type) {
        switch (msg.type) {
          case "job": jobBar(msg); setBar(Number(msg.job_id), { status: msg.status || "queued" }); return true;
          case "progress": return progress(msg);
          case "result": return result(msg);
          case "models": return models(msg);
          case "cancelled": return cancelled(msg);
          case "lesson": return false; // the top-bar chip (lesson_chip.js), not the transcript
          case "staff": return staff(msg);
          default: return false; // "faq" and future metadata: nothing to show
        }
      }
      let kept = false;
      if (typeof msg.text === "string" && msg.text.trim()) kept = text(msg) || kept;
      else if ((msg.quick_replies || msg.buttons || []).length) {
        bubble("bot", "text").appendChild(buttonsRow(msg.quick_replies || msg.buttons));
        kept = true;
      }
      if (msg.attachment && msg.attachment.type === "image" && msg.attachment.payload) {
        kept = image(msg.attachment.payload.src) || kept;
      } else if (msg.image) {
        kept = image(msg.image) || kept;
      }
      return kept;
    },
  };
}
