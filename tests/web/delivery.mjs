// Result delivery in the real widget (web/src/delivery.js), driven by tests/web/test_result_delivery.py.
// Usage: node delivery.mjs <leave|return>  (JSON options on stdin: {"url", "userDataDir", ...})
// One browser profile (userDataDir) across runs, so the page keeps its session id and transcript
// the way a learner's browser does between closing the tab and coming back. Prints one JSON line.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../web/package.json"));
const { chromium } = require("playwright-core");

const opts = JSON.parse(readFileSync(0, "utf8") || "{}");
const TRAIN = "Train a neuron to learn y = 2x - 1";

async function open() {
  const context = await chromium.launchPersistentContext(opts.userDataDir, {
    executablePath: opts.chromium || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  return { context, page };
}

async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.ready === "true" && document.body.dataset.connection === "connected");
}

/** What the learner sees of job `jobId`'s result: cards, "is done" texts and plots. */
function counts(page, jobId, receipt) {
  return page.evaluate(([id, r]) => ({
    cards: document.querySelectorAll(`#log .msg.bot.result[data-job-id="${id}"]`).length,
    texts: [...document.querySelectorAll("#log .msg.bot.text")].filter((b) => b.textContent.includes(`Job #${id} is done.`)).length,
    plots: [...document.querySelectorAll("#log .msg.bot.image img")].filter((img) => img.src.includes(`/artifacts/${r}/`)).length,
  }), [jobId, receipt]);
}

function askOwed(page) {
  return page.evaluate(() => fetch("/chat/results/owed", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ session_id: localStorage.getItem("tutor-session-id") }),
  }).then((r) => r.json()).then((body) => body.pushed));
}

const scenarios = {
  /** Ask for a training, see its job card, and close the browser before the result is pushed. */
  async leave() {
    const { context, page } = await open();
    await page.goto(opts.url);
    await ready(page);
    await page.locator("#text").fill(TRAIN);
    await page.locator("#text").press("Enter");
    const card = page.locator("#log .msg.bot.job").first();
    await card.waitFor();
    const jobId = Number(await card.getAttribute("data-job-id"));
    const resultBeforeLeaving = await page.locator("#log .msg.bot.result").count();
    const sessionId = await page.evaluate(() => localStorage.getItem("tutor-session-id"));
    await context.close();
    return { jobId, sessionId, resultBeforeLeaving };
  },

  /** Come back: the owed result is shown. With blockAck, its acknowledgement is dropped first, so
   *  the server sends it again while the page is open: the page must still show it once. */
  async return() {
    const { context, page } = await open();
    const acks = { dropped: 0, passed: 0 };
    let blocking = Boolean(opts.blockAck);
    await page.route("**/chat/results/shown", (route) => {
      if (blocking) { acks.dropped += 1; return route.abort(); }
      acks.passed += 1;
      return route.continue();
    });
    await page.goto(opts.url);
    await ready(page);
    const found = { acks };
    if (opts.expectResult) {
      await page.locator(`#log .msg.bot.result[data-job-id="${opts.jobId}"]`).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1000);
      found.firstShown = await counts(page, opts.jobId, opts.receipt);
    }
    if (opts.blockAck) {
      found.resentWhileUnacknowledged = await askOwed(page); // the server still owes it: sent again
      await page.waitForTimeout(3000);
      found.afterResend = await counts(page, opts.jobId, opts.receipt);
      blocking = false;
      found.resentAgain = await askOwed(page); // this copy's acknowledgement gets through
      await page.waitForTimeout(3000);
    } else {
      await page.waitForTimeout(opts.waitMs || 3000);
    }
    found.owedAtTheEnd = await askOwed(page);
    found.final = await counts(page, opts.jobId, opts.receipt);
    await context.close();
    return found;
  },
};

const name = process.argv[2];
if (!scenarios[name]) {
  console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
try {
  process.stdout.write(`${JSON.stringify(await scenarios[name]())}\n`);
} catch (err) {
  console.error(err.stack || String(err));
  process.exitCode = 1;
}
