// The staff page (/staff-ui): asks for a staff token, keeps it in sessionStorage (this tab only),
// and shows six sections with a navigation bar: Lessons (the lesson studio, web/src/staff/,
// bundled as staff-editor.js), Funnel (and the learners), Questions, Unanswered and Handoffs
// (staff_inbox.js) and Audit. Each section loads when first shown; Refresh reloads the one shown.
import { api, TOKEN_KEY, TokenRefused } from "./staff_api.js";
import { auditRows, fill, funnelRows, learnerRows, pager, questionRows, remotePager,
         unansweredRows } from "./staff_reports.js";

const SECTIONS = ["lessons", "funnel", "questions", "unanswered", "handoffs", "audit"];
const LEARNERS_PAGE = 50;
const PAGE = 25;
const $ = (id) => document.getElementById(id);

let learnersShown = 0;
let shown = null;
let inbox = null; // staff_inbox.js, once imported (helper E's Unanswered and Handoffs)

function showMessage(text, kind = "error") {
  const message = $("message");
  message.textContent = text;
  message.className = kind;
  message.hidden = !text;
}

const questionsPager = () => pager("questions", "questions-pager",
  { size: PAGE, emptyText: "No quiz questions in the lessons.", columns: 6 });
const unansweredPager = () => pager("unanswered", "unanswered-pager",
  { size: PAGE, emptyText: "Nothing unanswered.", columns: 4 });
const auditPager = remotePager("audit", "audit-pager", {
  size: PAGE, emptyText: "No staff writes yet.", columns: 5,
  fetchPage: async (offset, limit) => {
    const page = await api.get(`staff/audit?limit=${limit}&offset=${offset}`);
    return { rows: auditRows(page.entries), total: page.total };
  },
});

async function loadInbox() {
  if (inbox) return inbox;
  try {
    inbox = await import("./staff_inbox.js");
  } catch {
    inbox = false; // not installed yet: the plain unanswered list, and a note for handoffs
  }
  return inbox;
}

function setBadge(count) {
  const badge = $("handoffs-badge");
  badge.textContent = count ? String(count) : "";
  badge.hidden = !count;
  badge.setAttribute("aria-label", `${count} waiting`);
}

const mounted = new Set();
/** Mount a section's module once, however often (and however early) the section is shown. */
function once(name, mount) {
  if (mounted.has(name)) return;
  mounted.add(name);
  mount();
}

const loaders = {
  async lessons() {
    if (mounted.has("lessons")) return;
    if (!document.querySelector('link[href="staff-ui/staff-editor.css"]')) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "staff-ui/staff-editor.css";
      document.head.append(link);
    }
    const { mountLessons } = await import("./staff-editor.js"); // a failed load is tried again
    once("lessons", () => {
      $("studio").classList.remove("loading");
      mountLessons($("studio"), api);
    });
  },
  async funnel() {
    const [funnel, learners] = await Promise.all([
      api.get("staff/funnel"), api.get(`staff/learners?limit=${LEARNERS_PAGE}&offset=0`)]);
    fill("funnel", funnelRows(funnel), "No lessons found.", 7);
    fill("learners", learnerRows(learners), "No learners yet.", 4);
    learnersShown = learners.length;
    $("more-learners").hidden = learners.length < LEARNERS_PAGE;
  },
  async questions() {
    questionsPager().show(questionRows(await api.get("staff/questions")));
  },
  async unanswered() {
    const module = await loadInbox();
    if (module && module.mountUnanswered) {
      await module.mountUnanswered($("unanswered-inbox"), api); // shown again: reloaded
      return;
    }
    $("unanswered-inbox").textContent = "The grouped inbox is not installed on this Tutor; every question:";
    $("unanswered-plain").hidden = false;
    unansweredPager().show(unansweredRows(await api.get("staff/unanswered?limit=500")));
  },
  async handoffs() {
    const module = await loadInbox();
    if (module && module.mountHandoffs) {
      await module.mountHandoffs($("handoffs-inbox"), api, setBadge); // shown again: reloaded
      return;
    }
    $("handoffs-inbox").textContent = "Handoffs appear here once the staff inbox is installed.";
  },
  async audit() {
    await auditPager.go(0);
  },
};

async function show(section) {
  shown = section;
  for (const node of document.querySelectorAll("main > section")) node.hidden = node.dataset.section !== section;
  for (const link of document.querySelectorAll("#sections-nav a")) {
    if (link.dataset.section === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.body.dataset.section = section;
  document.body.dataset.sectionState = "loading";
  try {
    await loaders[section]();
    if (shown === section) document.body.dataset.sectionState = "loaded";
  } catch (err) {
    if (err instanceof TokenRefused) return refused();
    showMessage(`Could not load ${section}: ${err.message}`);
    document.body.dataset.sectionState = "error";
  }
}

const sectionFromHash = () => (SECTIONS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "lessons");

function signedIn(yes) {
  $("login").hidden = yes;
  $("reports").hidden = !yes;
  $("sections-nav").hidden = !yes;
  $("sign-out").hidden = !yes;
  $("refresh").hidden = !yes;
  $("who").hidden = !yes;
  if (!yes) {
    for (const id of ["funnel", "questions", "unanswered", "learners", "audit"]) $(id).tBodies[0].replaceChildren();
    $("token").focus();
  }
}

function refused() {
  sessionStorage.removeItem(TOKEN_KEY);
  signedIn(false);
  showMessage("That staff token was not accepted (mistyped or revoked). Ask for a new one and try again.");
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
    const me = await api.get("staff/me");
    $("who").textContent = `Signed in as ${me.name}`;
    signedIn(true);
    showMessage("");
    // Mounted at once, whatever the section: the Handoffs badge must show from anywhere.
    loaders.handoffs().catch(() => {});
    await show(sectionFromHash());
    document.body.dataset.state = "loaded";
  } catch (err) {
    if (err instanceof TokenRefused) return refused();
    showMessage(`Could not load the staff page: ${err.message}`);
    document.body.dataset.state = "error";
  }
}

async function moreLearners() {
  try {
    const page = await api.get(`staff/learners?limit=${LEARNERS_PAGE}&offset=${learnersShown}`);
    $("learners").tBodies[0].append(...learnerRows(page));
    learnersShown += page.length;
    $("more-learners").hidden = page.length < LEARNERS_PAGE;
  } catch (err) {
    if (err instanceof TokenRefused) return refused();
    showMessage(`Could not load more learners: ${err.message}`);
  }
}

/** `make run` and `python -m tutor staff add` print /staff-ui#token=...: take the token from the
 * fragment (never sent to the server, so never in a log) and drop it from the address bar. */
function tokenFromLink() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!token) return false;
  sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

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
$("refresh").addEventListener("click", () => {
  if (shown !== "lessons") show(shown);
});
$("more-learners").addEventListener("click", moreLearners);
// A pasted link changes only the fragment; so does a click in the navigation.
window.addEventListener("hashchange", () => {
  if (tokenFromLink()) load();
  else if (document.body.dataset.state === "loaded") show(sectionFromHash());
});
load();
