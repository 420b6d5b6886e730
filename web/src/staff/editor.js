// The staff page's lesson studio (bundled by esbuild as web/dist/staff-editor.js and imported by
// api/static/staff.js): the lesson list; a CodeMirror 6 editor with YAML highlighting, completion
// from lessons/lesson.schema.json and the API's own validator as its linter (debounced, each
// error marked at its line and column); publish with the lesson's ETag (a second author gets the
// conflict message, never a silent overwrite); the preview; and the versions with diff and revert.
import { basicSetup, EditorView } from "codemirror";
import { EditorState } from "@codemirror/state";
import { yaml } from "@codemirror/lang-yaml";
import { forceLinting, linter, lintGutter } from "@codemirror/lint";
import schema from "../../../lessons/lesson.schema.json";
import { lessonCompletions } from "./completion.js";
import { el } from "./dom.js";
import { createPreview } from "./preview.js";
import { createVersions } from "./versions.js";
import "./studio.css";

const LINT_DELAY_MS = 400;
const completion = [{ autocomplete: lessonCompletions(schema) }];
const NEW_LESSON = `id: my-new-lesson
title: My new lesson
chapters: [1]
minutes: 10
steps:
  - id: welcome
    type: say
    text: |
      What this lesson is about.
  - id: first-question
    type: ask
    kind: choice
    question: Which one is right?
    options:
      - {id: a, text: This one, correct: true}
      - {id: b, text: That one}
`;

/** Mount the studio in `root`; `api` is staff_api.js's helper. */
export function mountLessons(root, api) {
  const list = el("ul", { class: "lesson-list", "aria-label": "Lessons" });
  const title = el("h3", { class: "editing" }, "Pick a lesson");
  const status = el("span", { class: "validation", role: "status" });
  const publishButton = el("button", { type: "button", class: "publish", disabled: true }, "Publish");
  const message = el("div", { class: "publish-message", role: "alert", hidden: true });
  const host = el("div", { class: "editor-host" });
  const problems = el("ol", { class: "lint-list", "aria-label": "Errors in the lesson" });
  const previewRoot = el("div", { class: "lesson-preview", "data-state": "idle" });
  const versionsRoot = el("div", { class: "lesson-versions" });
  root.replaceChildren(el("div", { class: "studio" },
    el("nav", { class: "lesson-nav" },
      el("button", { type: "button", class: "new-lesson", onclick: () => openNew() }, "New lesson"), list),
    el("div", { class: "studio-editor" },
      el("div", { class: "editor-bar" }, title, status, publishButton), message, host, problems),
    el("div", { class: "studio-side" },
      el("h3", {}, "Preview"), el("p", { class: "hint" }, "As a learner sees it; nothing is stored."), previewRoot,
      el("h3", {}, "Versions"), versionsRoot)));

  let lesson = null; // { id, etag, isNew }
  let published = ""; // the text as last read or published
  const text = () => view.state.doc.toString();

  function setStatus(state, label) {
    root.dataset.validation = state;
    status.textContent = label;
    status.className = `validation ${state}`;
  }

  function say(textValue, kind = "info", extra = null) {
    message.replaceChildren(textValue, extra || "");
    message.className = `publish-message ${kind}`;
    message.dataset.kind = kind;
    message.hidden = !textValue;
  }

  function showProblems(errors) {
    problems.replaceChildren(...errors.map((e) => el("li", { "data-line": e.line, "data-column": e.column },
      el("button", { type: "button", class: "goto", onclick: () => jumpTo(e.line, e.column) },
        `line ${e.line}, column ${e.column}`), `: ${e.message}`)));
  }

  function position(doc, lineNumber, column) {
    const line = doc.line(Math.min(Math.max(1, lineNumber), doc.lines));
    return { line, from: Math.min(line.from + Math.max(0, column - 1), line.to) };
  }

  function jumpTo(lineNumber, column) {
    const { from } = position(view.state.doc, lineNumber, column);
    view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    view.focus();
  }

  async function validate(editor) {
    const draft = editor.state.doc.toString();
    if (!lesson) return [];
    setStatus("pending", "Checking…");
    const query = lesson.isNew ? "" : `?replaces=${encodeURIComponent(lesson.id)}`;
    let result;
    try {
      result = await api.post(`/staff/lessons/validate${query}`, draft, { contentType: "application/yaml" });
    } catch (err) {
      setStatus("errors", err.message);
      return [{ from: 0, to: 0, severity: "error", message: err.message }];
    }
    if (editor.state.doc.toString() !== draft) return []; // typed on meanwhile: the next run counts
    showProblems(result.errors);
    setStatus(result.ok ? "ok" : "errors",
      result.ok ? "No errors" : `${result.errors.length} error${result.errors.length === 1 ? "" : "s"}`);
    publishButton.disabled = !result.ok;
    return result.errors.map((e) => {
      const { line, from } = position(editor.state.doc, e.line, e.column);
      return { from, to: Math.max(from, line.to), severity: "error", message: e.message };
    });
  }

  // The editor lives in a shadow root: CodeMirror then styles it with constructed stylesheets
  // (adoptedStyleSheets), which the page's CSP (style-src 'self', no inline styles) allows; in
  // the document itself it would add <style> elements, which that CSP blocks.
  const shadow = host.attachShadow({ mode: "open" });
  const mount = document.createElement("div");
  shadow.append(mount);
  const view = new EditorView({
    parent: mount,
    root: shadow,
    state: EditorState.create({
      doc: "",
      extensions: [
        basicSetup, yaml(), lintGutter(), linter(validate, { delay: LINT_DELAY_MS }),
        // One source for the editor's life: CodeMirror tells a query's answer apart by its
        // source, so a new function on every lookup would leave completion pending forever.
        EditorState.languageData.of(() => completion),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            setStatus("pending", "Checking…");
            title.dataset.dirty = String(text() !== published);
          }
        }),
        EditorView.contentAttributes.of({ "aria-label": "Lesson YAML" }),
        EditorView.theme({
          "&": { height: "60vh", minHeight: "320px", fontSize: "13px", backgroundColor: "#fff" },
          ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
          "@media (max-width: 1100px)": { "&": { height: "50vh" } },
          // @codemirror/lint draws its underline and gutter dot as data: SVG images, which the
          // CSP's img-src 'self' refuses: the same marks in plain CSS.
          ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy #d11",
                                   textDecorationSkipInk: "none", textUnderlineOffset: "3px" },
          ".cm-lint-marker-error": { content: "normal", boxSizing: "border-box", borderRadius: "50%",
                                     backgroundColor: "#f87", border: "3px solid #f43", margin: "2px" },
        }),
      ],
    }),
  });

  const preview = createPreview(previewRoot, api, text);
  const versions = createVersions(versionsRoot, api, {
    current: () => lesson,
    onReverted: async (number) => {
      await open(lesson.id, { force: true });
      say(`Reverted to version ${number}: learners get it from their next step.`, "ok");
    },
    onError: failed,
    mayDiscard: () => mayDiscard(),
  });

  function setDoc(value) {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    published = value;
    title.dataset.dirty = "false";
    forceLinting(view);
  }

  function failed(err) {
    if (err.status === 409) {
      say(err.message, "conflict", el("button", { type: "button", class: "reload-theirs",
                                                  onclick: () => open(lesson.id) }, "Load their version"));
    } else if (err.status === 422 && err.body && err.body.detail && err.body.detail.errors) {
      showProblems(err.body.detail.errors);
      say(err.message, "error");
    } else {
      say(err.message, "error");
    }
  }

  async function refreshList() {
    const lessons = await api.get("/staff/lessons");
    list.replaceChildren(...lessons.map((l) => el("li", {},
      el("button", { type: "button", class: "lesson-item", "data-lesson": l.id,
                     "aria-current": lesson && lesson.id === l.id ? "true" : null, onclick: () => open(l.id) },
        el("span", { class: "lesson-title" }, l.title),
        el("span", { class: "lesson-meta" }, `${l.id} · ${l.steps} steps · ${l.quizzes} quizzes`)))));
  }

  /** Unsaved text is never dropped without asking (a reload or another lesson would lose it). */
  function mayDiscard() {
    return title.dataset.dirty !== "true" || window.confirm("Discard your unsaved changes to this lesson?");
  }
  window.addEventListener("beforeunload", (event) => {
    if (title.dataset.dirty === "true") event.preventDefault();
  });

  async function open(id, { force = false } = {}) {
    if (!force && !mayDiscard()) return;
    try {
      const body = await api.get(`/staff/lessons/${encodeURIComponent(id)}`);
      lesson = { id, etag: body.etag, isNew: false };
      title.textContent = `${id} (${body.file})`;
      say("");
      setDoc(body.text);
      preview.reset();
      await Promise.all([versions.load(), refreshList()]);
      root.dataset.lesson = id;
    } catch (err) { failed(err); }
  }

  function openNew() {
    if (!mayDiscard()) return;
    lesson = { id: null, etag: null, isNew: true };
    title.textContent = "New lesson";
    say("");
    setDoc(NEW_LESSON);
    preview.reset();
    versions.load();
    root.dataset.lesson = "";
  }

  publishButton.addEventListener("click", async () => {
    if (!lesson) return;
    publishButton.disabled = true;
    try {
      const draft = text();
      const saved = lesson.isNew
        ? await api.post("/staff/lessons", draft, { contentType: "application/yaml" })
        : await api.put(`/staff/lessons/${encodeURIComponent(lesson.id)}`, draft,
                        { contentType: "application/yaml", headers: { "If-Match": lesson.etag } });
      lesson = { id: saved.id, etag: saved.etag, isNew: false };
      published = draft;
      title.textContent = `${saved.id} (${saved.file})`;
      title.dataset.dirty = "false";
      root.dataset.lesson = saved.id;
      say(`Published at ${new Date().toLocaleTimeString()}: learners get it from their next step.`, "ok");
      await Promise.all([versions.load(), refreshList()]);
    } catch (err) {
      failed(err);
    } finally {
      publishButton.disabled = root.dataset.validation !== "ok";
    }
  });

  refreshList().catch(failed);
  return { open, view };
}
