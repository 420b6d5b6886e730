// The lesson preview: the draft in the editor as a learner sees it, drawn by the widget's own
// renderer (web/src/render.js: markdown, images, quiz buttons). Each step goes to
// POST /staff/lessons/preview, which runs curriculum.engine on the text, so answers are graded
// and branches followed as in a real lesson, and nothing is stored (no progress rows).
import { createRenderer } from "../render.js";
import { el } from "./dom.js";

export function createPreview(root, api, getText) {
  const log = el("div", { class: "preview-log", role: "log", "aria-live": "polite", "aria-label": "Preview" });
  const where = el("span", { class: "preview-where" });
  const input = el("input", { type: "text", class: "preview-answer", placeholder: "Type an answer…",
                              "aria-label": "Answer in the preview" });
  const form = el("form", { class: "preview-form" }, input, el("button", { type: "submit" }, "Send"));
  const note = el("p", { class: "preview-note", role: "status" });
  const controls = el("div", { class: "preview-controls" },
    el("button", { type: "button", class: "preview-start", onclick: () => step("start") }, "Start preview"),
    el("button", { type: "button", onclick: () => step("hint") }, "Hint"),
    el("button", { type: "button", onclick: () => step("skip") }, "Skip step"),
    el("button", { type: "button", onclick: () => step("reveal") }, "Show answer"),
    where);
  root.replaceChildren(controls, log, form, note);
  let position = null;
  let busy = false;

  const renderer = createRenderer(log, {
    onButton(payload, title) {
      const button = JSON.parse(payload);
      renderer.user(title);
      if (button.action === "next") step("next");
      else step("answer", { reply: button.value, step: button.step, attempt: button.attempt });
    },
    onImage(src) { window.open(src, "_blank", "noopener"); },
    onAdded() { log.scrollTop = log.scrollHeight; },
  });

  async function step(action, more = {}) {
    if (busy || (action !== "start" && !position)) return;
    busy = true;
    root.dataset.state = "busy";
    try {
      const body = await api.post("/staff/lessons/preview", { text: getText(), action, position, ...more });
      if (action === "start") renderer.clear();
      renderer.release();
      position = body.position;
      for (const message of body.messages) {
        renderer.bot({ text: message.text, image: message.image,
                       buttons: message.buttons.map((b) => ({ title: b.title, payload: JSON.stringify(b) })) });
      }
      where.textContent = body.step_number ? `step ${body.step_number} of ${body.total_steps}` : "finished";
      note.textContent = body.waiting === "run"
        ? "A training step: the preview does not train. Use “Skip step” to go on." : "";
      root.dataset.waiting = body.waiting;
      root.dataset.state = "ready";
    } catch (err) {
      note.textContent = err.message;
      root.dataset.state = "error";
    } finally {
      busy = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const reply = input.value.trim();
    if (!reply || !position) return;
    input.value = "";
    renderer.user(reply);
    step("answer", { reply });
  });

  return {
    start: () => step("start"),
    reset() {
      position = null;
      renderer.clear();
      where.textContent = "";
      note.textContent = "";
      delete root.dataset.waiting;
      root.dataset.state = "idle";
    },
  };
}
