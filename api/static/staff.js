// The staff page (/staff-ui): asks for the staff token, keeps it in sessionStorage (this tab
// only), and shows the /staff reports. Every piece of data goes in as text (textContent and text
// nodes, never innerHTML), so a learner's message cannot become markup on a staff screen.
"use strict";

const TOKEN_KEY = "tutor-staff-token";
const LEARNERS_PAGE = 50;
const $ = (id) => document.getElementById(id);

class TokenRefused extends Error {}

let learnersShown = 0;

/** An element with attributes and children; strings become text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A bar of coloured segments: [[fraction 0-1, class name, label], ...] */
function bar(segments, title) {
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
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");

function showMessage(text, kind = "error") {
  const message = $("message");
  message.textContent = text;
  message.className = kind;
  message.hidden = !text;
}

async function api(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
  if (response.status === 401) throw new TokenRefused();
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    try {
      const body = await response.json();
      if (typeof body.detail === "string") detail = body.detail;
    } catch { /* not JSON */ }
    throw new Error(`${path}: ${detail}`);
  }
  return response.json();
}

function fill(tableId, rows, emptyText, columns) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows);
  if (!rows.length) body.append(el("tr", { class: "empty" }, el("td", { colspan: columns }, emptyText)));
}

const stepName = (d) => (d.step_number ? `step ${d.step_number}, ${d.step_id} (${d.type})`
                                        : `${d.step_id} (step removed)`);

function funnelRows(lessons) {
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

function questionRows(questions) {
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

function unansweredRows(items) {
  return items.map((q) => el("tr", {},
    el("td", {}, when(q.created_at)),
    el("td", {}, q.text),
    el("td", {}, q.best_guess ? `${q.best_guess} (${num(q.score, 2)})` : "–"),
    el("td", {}, q.channel ?? "–")));
}

function learnerRows(learners) {
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

function signedIn(yes) {
  $("login").hidden = yes;
  $("reports").hidden = !yes;
  $("sign-out").hidden = !yes;
  $("refresh").hidden = !yes;
  if (!yes) {
    for (const id of ["funnel", "questions", "unanswered", "learners"]) $(id).tBodies[0].replaceChildren();
    $("token").focus();
  }
}

function refused() {
  sessionStorage.removeItem(TOKEN_KEY);
  signedIn(false);
  showMessage("That staff token was not accepted. Check TUTOR_STAFF_TOKEN and try again.");
  document.body.dataset.state = "refused";
}

async function load() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    signedIn(false);
    document.body.dataset.state = "signed-out";
    return;
  }
  document.body.dataset.state = "loading";
  showMessage("Loading…", "info");
  try {
    const [funnel, questions, unanswered, learners] = await Promise.all([
      api("staff/funnel"), api("staff/questions"), api("staff/unanswered"),
      api(`staff/learners?limit=${LEARNERS_PAGE}&offset=0`)]);
    fill("funnel", funnelRows(funnel), "No lessons found.", 7);
    fill("questions", questionRows(questions), "No quiz questions in the lessons.", 6);
    fill("unanswered", unansweredRows(unanswered), "Nothing unanswered.", 4);
    fill("learners", learnerRows(learners), "No learners yet.", 4);
    learnersShown = learners.length;
    $("more-learners").hidden = learners.length < LEARNERS_PAGE;
    signedIn(true);
    showMessage("");
    document.body.dataset.state = "loaded";
  } catch (err) {
    if (err instanceof TokenRefused) return refused();
    showMessage(`Could not load the reports: ${err.message}`);
    document.body.dataset.state = "error";
  }
}

async function moreLearners() {
  try {
    const page = await api(`staff/learners?limit=${LEARNERS_PAGE}&offset=${learnersShown}`);
    $("learners").tBodies[0].append(...learnerRows(page));
    learnersShown += page.length;
    $("more-learners").hidden = page.length < LEARNERS_PAGE;
  } catch (err) {
    if (err instanceof TokenRefused) return refused();
    showMessage(`Could not load more learners: ${err.message}`);
  }
}

/** `make run` prints /staff-ui#token=...: take the token from the fragment (never sent to the
 * server, so never in a log) and drop it from the address bar and the history. */
function tokenFromLink() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!token) return false;
  sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

document.addEventListener("DOMContentLoaded", () => {
  tokenFromLink();
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    $("token").value = "";
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    load();
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showMessage("");
    signedIn(false);
    document.body.dataset.state = "signed-out";
  });
  $("refresh").addEventListener("click", load);
  $("more-learners").addEventListener("click", moreLearners);
  // The link pasted into a tab that already shows this page changes only the fragment.
  window.addEventListener("hashchange", () => { if (tokenFromLink()) load(); });
  load();
});
