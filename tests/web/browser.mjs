// Shared by the browser scenario scripts (scenarios.mjs, walkthrough.mjs): options, Chromium,
// and the steps a learner takes in the widget. Debian's /usr/bin/chromium driven by playwright-core
// (docs/decisions.md, D9); nothing is downloaded.
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, "../../web");
const require = createRequire(path.join(webDir, "package.json"));
const { chromium } = require("playwright-core");

export const STEP_TIMEOUT = 30_000;
export const RESULT_TIMEOUT = 240_000; // a training may wait behind another test's job

export const opts = JSON.parse(readFileSync(0, "utf8") || "{}");
mkdirSync(opts.outDir, { recursive: true });

export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export async function launch() {
  return chromium.launch({
    executablePath: opts.chromium || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
}

export async function openChat(browser, device = DESKTOP) {
  const context = await browser.newContext({ ...device, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  page.on("console", (msg) => { if (msg.type() === "error") console.error(`[console] ${msg.text()}`); });
  await page.goto(opts.url);
  await ready(page);
  return { context, page };
}

export async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.ready === "true" && document.body.dataset.connection === "connected");
}

export const botCount = (page) => page.locator("#log .msg.bot").count();

/** Type into the composer and press Enter, as a learner does. */
export async function say(page, text) {
  await page.locator("#text").fill(text);
  await page.locator("#text").press("Enter");
}

/** Wait for a bot bubble (index >= from) whose text matches `pattern`; returns its text. */
export async function waitForBot(page, pattern, from = 0, timeout = STEP_TIMEOUT) {
  const handle = await page.waitForFunction(
    ([source, flags, start]) => {
      const re = new RegExp(source, flags);
      const bubbles = [...document.querySelectorAll("#log .msg.bot")].slice(start);
      const hit = bubbles.find((b) => re.test(b.textContent));
      return hit ? hit.textContent : false;
    },
    [pattern.source, pattern.flags, from],
    { timeout },
  );
  return handle.jsonValue();
}

export async function shot(page, name) {
  const file = path.join(opts.outDir, name);
  await page.screenshot({ path: file });
  return file;
}

export function noHorizontalScroll() {
  const doc = document.documentElement;
  const widest = Math.max(...[...document.querySelectorAll("body *")]
    .filter((el) => el.getClientRects().length && !el.closest(".table-wrap > table"))
    .map((el) => el.getBoundingClientRect().right));
  return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, innerWidth: window.innerWidth,
           widestRight: Math.ceil(widest) };
}

/** Run the scenario named on the command line; print its findings as one JSON line. */
export async function main(scenarios) {
  const name = process.argv[2];
  if (!scenarios[name]) {
    console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
    process.exit(2);
  }
  const browser = await launch();
  try {
    const result = await scenarios[name](browser);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    console.error(err.stack || String(err));
    for (const context of browser.contexts()) {
      for (const [i, page] of context.pages().entries()) {
        await page.screenshot({ path: path.join(opts.outDir, `failure-${name}-${i}.png`) }).catch(() => {});
        const transcript = await page.locator("#log").innerText().catch(() => "");
        console.error(`--- transcript (${name}) ---\n${transcript.slice(-3000)}`);
      }
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
