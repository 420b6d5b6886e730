// The staff page's reports as table rows: the funnel, the hardest questions, the unanswered
// questions, the learners and the audit log, plus a pager for long tables. Every piece of data
// goes in as text (textContent and text nodes, never innerHTML), so a learner's message cannot
// become markup on a staff screen.

import { el } from "./dom.js";

/** A bar of coloured segments: [[fraction 0-1, class name, label], ...] */
export function bar(segments, title) {
  const track = el("div", { class: "bar", role: "img", "aria-label": title, title });
  for (const [fraction, name] of segments) {
    const fill = el("span", { class: `fill ${name}` });
    fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`; // CSSOM, allowed by the CSP
    track.append(fill);
  }
  return track;
}

const pct = (value) => (value === null || value === undefined ? "–" : `${Math.round(value)}%`);
const num = (value, digits = 1) => (value === null || value === undefined ? "–" : value.toFixed(digits));
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");

export function fill(tableId, rows, emptyText, columns) {
  const body = document.getElementById(tableId).tBodies[0];
  body.replaceChildren(...rows);
  if (!rows.length) body.append(el("tr", { class: "empty" }, el("td", { colspan: columns }, emptyText)));
}

const stepName = (d) => (d.step_number ? `step ${d.step_number}, ${d.step_id} (${d.type})`
                                        : `${d.step_id} (step removed)`);

export function funnelRows(lessons) {
  const most = Math.max(1, ...lessons.map((l) => l.started));
  return lessons.map((lesson, i) => {
    const top = lesson.drop_off.find((d) => d.step_id === lesson.top_drop_off_step);
    const stopped = top
      ? el("details", {},
          el("summary", {}, `${stepName(top)}: ${top.learners}`),
          el("ul", { class: "steps" }, lesson.drop_off.map((d) => el("li", {}, `${stepName(d)}: ${d.learners}`))))
      : "–";
    const share = (n) => n / most;
    return el("tr", { "data-lesson": lesson.lesson_id },
      el("th", { scope: "row" }, `${i + 1}. ${lesson.title}`),
      el("td", { class: "num started" }, lesson.started),
      el("td", { class: "num completed" }, lesson.completed),
      el("td", { class: "num in-progress" }, lesson.in_progress),
      el("td", { class: "num quit" }, lesson.quit),
      el("td", {}, bar([[share(lesson.completed), "completed"], [share(lesson.in_progress), "in-progress"],
                        [share(lesson.quit), "quit"]],
                       `${lesson.completed} completed, ${lesson.in_progress} in progress, ${lesson.quit} quit`)),
      el("td", { class: "stopped" }, stopped));
  });
}

export function questionRows(questions) {
  return questions.map((q) => el("tr", { "data-step": `${q.lesson_id}/${q.step_id}` },
    el("td", {}, q.lesson_title),
    el("td", {}, el("span", { class: "step-id" }, q.step_id), " ", q.question),
    el("td", { class: "num" }, q.learners),
    el("td", {},
      q.first_try_correct_pct === null ? "not answered yet"
        : el("div", { class: "first-try" },
            bar([[q.first_try_correct_pct / 100, "correct"]], `${pct(q.first_try_correct_pct)} right first try`),
            el("span", { class: "pct" }, pct(q.first_try_correct_pct)))),
    el("td", { class: "num" }, num(q.mean_attempts)),
    el("td", { class: "num" }, num(q.median_seconds, 0))));
}

export function unansweredRows(items) {
  return items.map((q) => el("tr", {},
    el("td", {}, when(q.created_at)),
    el("td", {}, q.text),
    el("td", {}, q.best_guess ? `${q.best_guess} (${num(q.score, 2)})` : "–"),
    el("td", {}, q.channel ?? "–")));
}

export function learnerRows(learners) {
  return learners.map((learner) => {
    const lessons = learner.lessons.length
      ? el("ul", { class: "lessons" }, learner.lessons.map((l) => {
          const where = l.completed_at && l.status !== "completed" ? `${l.status} (completed before)`
            : l.status;
          const step = l.step_number ? `, step ${l.step_number} of ${l.total_steps}` : "";
          const done = l.completed_at ? 1 : (l.step_number && l.total_steps ? (l.step_number - 1) / l.total_steps : 0);
          return el("li", {},
            bar([[done, l.completed_at ? "completed" : "in-progress"]], `${Math.round(done * 100)}% done`),
            el("span", {}, `${l.title ?? l.lesson_id}: ${where}${step}; quiz ${l.first_try_correct} right first try, `
                           + `${l.quiz_attempts} attempt${l.quiz_attempts === 1 ? "" : "s"}`));
        }))
      : "no lessons yet";
    return el("tr", { "data-learner": learner.id },
      el("td", {}, `#${learner.id} ${learner.channel} `, el("span", { class: "external" }, learner.external_id), " ",
         el("a", { href: `progress/${encodeURIComponent(learner.public_id)}/chart.png`, target: "_blank",
                   rel: "noopener noreferrer" }, "chart")),
      el("td", {}, when(learner.created_at)),
      el("td", { class: "num" }, learner.trainings),
      el("td", {}, lessons));
  });
}

export function auditRows(entries) {
  return entries.map((e) => el("tr", { "data-audit": e.id },
    el("td", {}, when(e.at)),
    el("td", {}, e.staff),
    el("td", {}, e.action),
    el("td", {}, e.target),
    el("td", { class: "detail" }, Object.keys(e.detail || {}).length
      ? Object.entries(e.detail).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ")
      : "–")));
}

/**
 * A pager under a table: `show(rows)` keeps all rows and shows one page of `size`; the
 * buttons step through them. For a server-side list pass `fetchPage(offset)` to `remote`.
 */
export function pager(tableId, navId, { size, emptyText, columns }) {
  const nav = document.getElementById(navId);
  let all = [];
  let page = 0;
  function render() {
    const pages = Math.max(1, Math.ceil(all.length / size));
    page = Math.min(page, pages - 1);
    fill(tableId, all.slice(page * size, (page + 1) * size), emptyText, columns);
    controls(nav, page, pages, all.length, (to) => { page = to; render(); });
  }
  return { show(rows) { all = rows; page = 0; render(); } };
}

export function remotePager(tableId, navId, { size, emptyText, columns, fetchPage }) {
  const nav = document.getElementById(navId);
  async function go(page) {
    const { rows, total } = await fetchPage(page * size, size);
    fill(tableId, rows, emptyText, columns);
    controls(nav, page, Math.max(1, Math.ceil(total / size)), total, go);
  }
  return { go };
}

function controls(nav, page, pages, total, go) {
  nav.hidden = pages <= 1;
  nav.replaceChildren(
    el("button", { type: "button", class: "prev", disabled: page === 0, onclick: () => go(page - 1) }, "Previous"),
    el("span", { class: "page-of" }, `Page ${page + 1} of ${pages} (${total})`),
    el("button", { type: "button", class: "next", disabled: page >= pages - 1, onclick: () => go(page + 1) }, "Next"));
}
