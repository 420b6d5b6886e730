// The lesson studio's editor without the stack (tests/web/test_staff_page.py, API only):
// completion from the lesson schema (fields at the top level, a step's `type` values), a new
// lesson created from the page, and the studio on a tablet (820 px) without sideways scrolling.
// Options on stdin: {url, token, outDir, chromium}; prints one JSON line of findings.
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
  executablePath: opts.chromium || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
page.setDefaultTimeout(20_000);
const problems = [];
page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
page.on("console", (msg) => {
  if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) problems.push(`console: ${msg.text()}`);
});
const validation = (v) => page.waitForFunction((x) => document.getElementById("studio").dataset.validation === x, v);
const completions = async () => {
  await page.locator(".cm-tooltip-autocomplete").waitFor();
  return page.$$eval(".cm-tooltip-autocomplete li .cm-completionLabel", (labels) => labels.map((l) => l.textContent));
};

try {
  await page.goto(`${opts.url}#token=${encodeURIComponent(opts.token)}`);
  await page.waitForFunction(() => document.body.dataset.state === "loaded");
  await page.locator('#studio .lesson-item[data-lesson="quiz"]').click();
  await validation("ok");

  // The lesson's first line is empty: at column 0 the lesson's own fields are offered.
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+Home");
  await page.keyboard.type("min");
  const topLevel = await completions();
  await page.keyboard.press("Escape");
  // A new step at the end: its `type` values.
  await page.keyboard.press("Control+End");
  await page.keyboard.type("  - type: s");
  const typeValues = await completions();
  await page.keyboard.press("Escape");

  // A new lesson from the template, published from the page; the edits above are unsaved, so the
  // page asks before dropping them (dismissed: nothing changes; accepted: the template).
  const asked = [];
  page.on("dialog", async (dialog) => {
    asked.push(dialog.message());
    if (asked.length === 1) await dialog.dismiss(); else await dialog.accept();
  });
  await page.locator(".new-lesson").click();
  await page.waitForTimeout(200);
  const keptAfterDismiss = await page.locator("#studio h3.editing").textContent();
  await page.locator(".new-lesson").click();
  await validation("ok");
  await page.locator(".publish").click();
  await page.waitForFunction(() => document.querySelector(".publish-message").dataset.kind === "ok");
  await page.locator('#studio .lesson-item[data-lesson="my-new-lesson"]').waitFor();
  const created = await page.locator("#studio h3.editing").textContent();

  await page.setViewportSize({ width: 820, height: 1180 });
  await page.waitForTimeout(300);
  const tablet = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth,
    editorWidth: Math.round(document.querySelector(".editor-host").getBoundingClientRect().width) }));
  await page.screenshot({ path: path.join(opts.outDir, "staff-studio-tablet.png"), fullPage: true });
  process.stdout.write(`${JSON.stringify({ topLevel, typeValues, asked, keptAfterDismiss, created, tablet, problems })}\n`);
} catch (err) {
  console.error(err.stack || String(err));
  console.error(problems.join("\n"));
  await page.screenshot({ path: path.join(opts.outDir, "failure-staff-editor.png") }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
