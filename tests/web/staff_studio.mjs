// The lesson studio on the staff page, against the shared stack (real Rasa, the action server,
// the API), with learners in the chat widget: an error typed into the editor is marked at its
// line; fixed, previewed (quiz answered in the preview) and published, the next learner sees the
// change over socket.io; a second author who opened the same version gets the conflict message;
// a revert brings the old text back for the next learner; the audit section lists the writes.
// Run by tests/web/test_staff_studio.py; options on stdin: {url, outDir, chromium, token, bobToken}.
import { DESKTOP, main, openChat, opts, say, shot, STEP_TIMEOUT, waitForBot } from "./browser.mjs";

const EDIT = " Edited in the studio.";
const studio = (page, value) => page.waitForFunction((v) => document.getElementById("studio").dataset.validation === v,
                                                    value);

async function openStaff(browser, token) {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on("pageerror", (err) => console.error(`[staff page error] ${err.message}`));
  await page.goto(`${opts.url}staff-ui#token=${encodeURIComponent(token)}`);
  await page.waitForFunction(() => document.body.dataset.state === "loaded");
  await page.locator('#studio .lesson-item[data-lesson="hello-neuron"]').click();
  await page.waitForFunction(() => document.getElementById("studio").dataset.lesson === "hello-neuron");
  await studio(page, "ok");
  return page;
}

/** Put the cursor at the end of line `n` with the keyboard, as an author would. */
async function endOfLine(page, n) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+Home");
  for (let i = 1; i < n; i += 1) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
}

/** The 1-based editor line holding the first lint underline, and the gutter's error dots. */
const marked = (page) => page.evaluate(() => {
  const root = document.querySelector(".editor-host").shadowRoot;
  const range = root.querySelector(".cm-lintRange-error");
  const lines = [...root.querySelectorAll(".cm-content > .cm-line")];
  return { line: range ? lines.indexOf(range.closest(".cm-line")) + 1 : null,
           dots: root.querySelectorAll(".cm-lint-marker-error").length };
});

async function learnerStarts(browser, pattern) {
  const { context, page } = await openChat(browser);
  const sent = Date.now();
  await say(page, "start lesson 1");
  const text = await waitForBot(page, pattern);
  return { context, page, text, turnMs: Date.now() - sent };
}

async function studioScenario(browser) {
  const found = {};
  const ann = await openStaff(browser, opts.token);
  const bob = await openStaff(browser, opts.bobToken); // opens the same version before ann publishes

  // An error typed on line 12 (type: say -> sayx) is marked there, with the validator's message.
  await endOfLine(ann, 12);
  await ann.keyboard.type("x");
  await studio(ann, "errors");
  found.lint = {
    list: await ann.$$eval(".lint-list li", (items) => items.map((li) => ({
      line: Number(li.dataset.line), column: Number(li.dataset.column), text: li.textContent }))),
    marked: await marked(ann),
    publishDisabled: await ann.locator(".publish").isDisabled(),
  };
  await shot(ann, "studio-lint-error.png");

  // Fixed, and the welcome edited: valid again.
  await ann.keyboard.press("Backspace");
  await studio(ann, "ok");
  await endOfLine(ann, 14);
  await ann.keyboard.type(EDIT);
  await studio(ann, "ok");

  // The preview shows the draft; its quiz is graded as in a lesson.
  const preview = ann.locator(".lesson-preview");
  const ready = () => ann.waitForFunction(() => document.querySelector(".lesson-preview").dataset.state === "ready");
  await ann.locator(".preview-start").click();
  await ready();
  const bubbles = () => preview.locator(".msg.bot").allTextContents();
  found.previewStart = (await bubbles())[0];
  await preview.locator(".quick-reply", { hasText: "Next" }).click();
  await ready();
  await preview.locator(".quick-reply", { hasText: "The rules, so it can compute the answers" }).last().click();
  await ready();
  found.previewWrong = (await bubbles()).at(-1);
  await preview.locator(".quick-reply", { hasText: "Examples of data together with the right answers" }).last().click();
  await ready();
  found.previewRight = (await bubbles()).slice(-2).join(" | ");
  found.previewWhere = await preview.locator(".preview-where").textContent();
  await shot(ann, "studio-preview.png");

  // Publish: the next learner over socket.io gets the new text.
  await ann.locator(".publish").click();
  await ann.waitForFunction(() => document.querySelector(".publish-message").dataset.kind === "ok");
  const published = Date.now();
  const first = await learnerStarts(browser, /Edited in the studio/);
  found.publishToLearnerMs = Date.now() - published;
  found.learnerAfterPublish = first.text;
  found.publishTurnMs = first.turnMs;
  await shot(first.page, "studio-learner-after-publish.png");
  await first.context.close();

  // bob edits the version he opened and publishes: a conflict, and his text stays in his editor.
  await endOfLine(bob, 1);
  await bob.keyboard.type(" (bob)");
  await studio(bob, "ok");
  await bob.locator(".publish").click();
  await bob.waitForFunction(() => document.querySelector(".publish-message").dataset.kind === "conflict");
  found.conflict = await bob.locator(".publish-message").textContent();
  found.bobKeepsText = await bob.evaluate(() => document.querySelector(".editor-host").shadowRoot
    .querySelector(".cm-content").textContent.includes("(bob)"));
  await shot(bob, "studio-conflict.png");

  // Versions: the diff of ann's publish, then one click back to the file as shipped.
  const versions = ann.locator(".versions-table tbody tr");
  await ann.waitForFunction(() => document.querySelectorAll(".versions-table tbody tr[data-version]").length === 2);
  found.versions = await versions.allInnerTexts();
  await ann.locator('.versions-table tr[data-version="2"] .diff-button').click();
  await ann.locator(".diff:not([hidden])").waitFor();
  found.diff = await ann.locator(".diff").textContent();
  await shot(ann, "studio-versions-diff.png");
  await ann.locator('.versions-table tr[data-version="1"] .revert-button').click();
  await ann.waitForFunction(() => /Reverted to version 1/.test(document.querySelector(".publish-message").textContent));
  const reverted = Date.now();
  const second = await learnerStarts(browser, /Welcome! In ordinary programming/);
  found.revertToLearnerMs = Date.now() - reverted;
  found.learnerAfterRevert = second.text;
  found.revertTurnMs = second.turnMs;
  await second.context.close();

  // The audit section lists both writes, newest first.
  await ann.locator("#sections-nav a[data-section=audit]").click();
  await ann.waitForFunction(() => document.body.dataset.section === "audit" && document.body.dataset.sectionState === "loaded");
  found.audit = await ann.$$eval("#audit tbody tr", (trs) => trs.slice(0, 3).map(
    (tr) => [...tr.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent)));
  await ann.screenshot({ path: `${opts.outDir}/studio-audit.png`, fullPage: true });
  return found;
}

await main({ studio: studioScenario });
