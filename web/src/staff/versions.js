// A lesson's published versions: who published what when, the diff between a version and the
// one before it (unified diff from the API's difflib), and one-click revert, which is itself a
// publish: versioned, audited and checked against the ETag like any other.
import { el, when } from "./dom.js";

export function createVersions(root, api, { current, onReverted, onError, mayDiscard }) {
  const table = el("table", { class: "versions-table" },
    el("thead", {}, el("tr", {}, ...["Version", "What", "Who", "When", ""].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody"));
  const diff = el("pre", { class: "diff", hidden: true, "aria-label": "Diff" });
  root.replaceChildren(table, diff);

  function showDiff(text, title) {
    diff.replaceChildren(el("span", { class: "diff-title" }, title), "\n",
      ...text.split("\n").map((line) => el("span", {
        class: line.startsWith("+") && !line.startsWith("+++") ? "add"
          : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : "",
      }, `${line}\n`)));
    diff.hidden = false;
  }

  async function load() {
    const lesson = current();
    const body = table.tBodies[0];
    diff.hidden = true;
    if (!lesson || lesson.isNew) {
      body.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 5 }, "Not published yet.")));
      return;
    }
    const versions = await api.get(`/staff/lessons/${encodeURIComponent(lesson.id)}/versions`);
    if (!versions.length) {
      body.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 5 },
        "No versions yet: the first publish keeps the file as it is now as version 1.")));
      return;
    }
    const latest = versions[0].number;
    body.replaceChildren(...versions.map((v) => el("tr", { "data-version": v.number },
      el("td", { class: "num" }, v.number),
      el("td", {}, v.action === "baseline" ? "file before the first publish" : v.action),
      el("td", {}, v.author),
      el("td", {}, when(v.created_at)),
      el("td", { class: "version-actions" },
        v.number > 1 ? el("button", { type: "button", class: "diff-button", onclick: async () => {
          try {
            const d = await api.get(`/staff/lessons/${encodeURIComponent(lesson.id)}/diff?old=${v.number - 1}&new=${v.number}`);
            showDiff(d.diff || "(no change)", `Version ${v.number - 1} → ${v.number}`);
          } catch (err) { onError(err); }
        } }, "Diff") : null,
        v.number !== latest ? el("button", { type: "button", class: "revert-button", onclick: async () => {
          if (!mayDiscard()) return;
          try {
            await api.post(`/staff/lessons/${encodeURIComponent(lesson.id)}/versions/${v.number}/revert`, undefined,
                           { headers: { "If-Match": current().etag } });
            await onReverted(v.number);
          } catch (err) { onError(err); }
        } }, `Revert to ${v.number}`) : el("span", { class: "hint" }, "live")))));
  }

  return { load };
}
