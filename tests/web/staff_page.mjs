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
  const expected = (response.status() === 401 && url.pathname.startsWith("/staff/")) || url.pathname === "/favicon.ico";
  if (response.status() >= 400 && !expected) problems.push(`HTTP ${response.status()} for ${url.pathname}`);
});

const state = (value) => page.waitForFunction((v) => document.body.dataset.state === v, value);
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

  // The right token: every report.
  await signIn(opts.token);
  await state("loaded");
  const loaded = {
    funnel: await rows("funnel"),
    questions: await rows("questions"),
    unanswered: await rows("unanswered"),
    learners: await rows("learners"),
    messageHidden: await page.locator("#message").isHidden(),
    // Learner text that looks like markup stayed text: no element came from it, no script ran.
    injected: await page.evaluate(() => ({
      ran: window.__injected === true,
      imgs: document.querySelectorAll("main img").length,
      bold: document.querySelectorAll("main b").length,
    })),
    chartLinks: await page.$$eval("#learners a", (links) => links.map((a) => a.getAttribute("href"))),
  };
  await page.screenshot({ path: path.join(opts.outDir, "staff-page.png"), fullPage: true });

  // The token lives in this tab's sessionStorage: a reload shows the reports again.
  await page.reload();
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
    fromLink.push({ funnelRows: (await rows("funnel")).length, address: await page.evaluate(() => location.href) });
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
