// The staff page (/staff-ui) in Debian's Chromium, driven by playwright-core; run by
// tests/web/test_staff_page.py against a live API. Options on stdin as JSON:
// {"url", "token", "outDir", "chromium"}. Prints one JSON line of findings; on a failed step it
// exits non-zero with the error on stderr and a screenshot in outDir.
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../web/package.json"));
const { chromium } = require("playwright-core");

const opts = JSON.parse(readFileSync(0, "utf8") || "{}");
mkdirSync(opts.outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: opts.chromium || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
page.setDefaultTimeout(20_000);
const problems = [];
page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
page.on("console", (msg) => {
  // Failed loads are checked below by URL (the refused token's 401s are expected).
  if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) problems.push(`console: ${msg.text()}`);
});
page.on("response", (response) => {
  const url = new URL(response.url());
  // staff_inbox.js (Unanswered and Handoffs) may not be installed: the page then shows the plain list.
  const expected = (response.status() === 401 && url.pathname.startsWith("/staff/")) || url.pathname === "/favicon.ico"
    || url.pathname === "/staff-ui/staff_inbox.js";
  if (response.status() >= 400 && !expected) problems.push(`HTTP ${response.status()} for ${url.pathname}`);
});

const state = (value) => page.waitForFunction((v) => document.body.dataset.state === v, value);
const SECTIONS = ["lessons", "funnel", "questions", "unanswered", "handoffs", "audit"];
async function section(name) {
  await page.locator(`#sections-nav a[data-section=${name}]`).click();
  await page.waitForFunction((n) => document.body.dataset.section === n && document.body.dataset.sectionState === "loaded", name);
}
const rows = (table) => page.$$eval(`#${table} tbody tr`, (trs) => trs.map(
  (tr) => [...tr.querySelectorAll("th, td")].map((cell) => cell.textContent.trim())));

async function signIn(token) {
  await page.locator("#token").fill(token);
  await page.locator("#login button[type=submit]").click();
}

try {
  await page.goto(opts.url);
  await state("signed-out");

  // A wrong token: a clear message, the form back, nothing shown.
  await signIn("not-the-token");
  await state("refused");
  const refused = {
    message: await page.locator("#message").textContent(),
    formVisible: await page.locator("#login").isVisible(),
    reportsVisible: await page.locator("#reports").isVisible(),
    stored: await page.evaluate(() => sessionStorage.getItem("tutor-staff-token")),
  };
  await page.screenshot({ path: path.join(opts.outDir, "staff-page-refused.png") });

  // The right token: the Lessons section first, then every other section from the navigation,
  // each on its own (the others hidden), each saved as a screenshot.
  await signIn(opts.token);
  await state("loaded");
  const first = await page.evaluate(() => ({
    section: document.body.dataset.section,
    visible: [...document.querySelectorAll("main > section")].filter((s) => !s.hidden).map((s) => s.dataset.section),
    who: document.getElementById("who").textContent,
    nav: [...document.querySelectorAll("#sections-nav a")].map((a) => a.textContent.trim()),
  }));
  await page.waitForSelector("#studio .lesson-item");
  await page.screenshot({ path: path.join(opts.outDir, "staff-section-lessons.png") });
  const shown = {};
  for (const name of SECTIONS.slice(1)) {
    await section(name);
    shown[name] = await page.evaluate(() => [...document.querySelectorAll("main > section")]
      .filter((s) => !s.hidden).map((s) => s.dataset.section));
    await page.screenshot({ path: path.join(opts.outDir, `staff-section-${name}.png`), fullPage: true });
  }
  await section("funnel");
  const funnel = await rows("funnel");
  const learners = await rows("learners");
  await section("questions");
  const questions = await rows("questions");
  await section("unanswered");
  const unansweredText = await page.locator("#section-unanswered").innerText();
  const loaded = {
    first, shown, funnel, questions, learners, unansweredText,
    messageHidden: await page.locator("#message").isHidden(),
    // Learner text that looks like markup stayed text: no element came from it, no script ran.
    injected: await page.evaluate(() => ({
      ran: window.__injected === true,
      imgs: document.querySelectorAll("main section:not(#section-lessons) img").length,
      bold: document.querySelectorAll("main b").length,
    })),
    chartLinks: await page.$$eval("#learners a", (links) => links.map((a) => a.getAttribute("href"))),
  };
  // A tablet: the navigation wraps, nothing is wider than the screen.
  await page.setViewportSize({ width: 820, height: 1180 });
  await section("funnel");
  loaded.tablet = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth,
                                                navVisible: document.getElementById("sections-nav").offsetHeight > 0 }));
  await page.screenshot({ path: path.join(opts.outDir, "staff-section-funnel-tablet.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The token lives in this tab's sessionStorage: a reload shows the reports again.
  await page.reload();  // on #funnel, the section last shown
  await state("loaded");
  const afterReload = (await rows("funnel")).length;

  // "Forget token" clears it and the data.
  await page.locator("#sign-out").click();
  await state("signed-out");
  const signedOut = {
    stored: await page.evaluate(() => sessionStorage.getItem("tutor-staff-token")),
    funnelRows: (await rows("funnel")).length,
  };

  // The link `make run` prints, /staff-ui#token=..., signs in and leaves the address bar: opened
  // afresh, and pasted into this tab, which changes only the fragment.
  const link = `${opts.url}#token=${encodeURIComponent(opts.token)}`;
  const fromLink = [];
  for (const fresh of [true, false]) {
    if (fresh) await page.goto("about:blank");
    else await page.locator("#sign-out").click();
    await page.goto(link);
    await state("loaded");
    const address = await page.evaluate(() => location.href);
    await section("funnel");
    fromLink.push({ funnelRows: (await rows("funnel")).length, address });
  }

  process.stdout.write(`${JSON.stringify({ refused, loaded, afterReload, signedOut, fromLink, problems })}\n`);
} catch (err) {
  console.error(err.stack || String(err));
  console.error(problems.join("\n"));
  await page.screenshot({ path: path.join(opts.outDir, "failure-staff-page.png") }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
