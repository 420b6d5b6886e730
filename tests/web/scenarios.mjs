// Browser scenarios for the chat widget, driven by tests/web/test_chat_widget.py.
// Usage: node scenarios.mjs <scenario>  (JSON options on stdin: {"url", "outDir", ...})
// Prints one JSON line (the scenario's findings) on stdout; exits non-zero with the error on
// stderr (and a screenshot in outDir) when a step fails. Chromium is Debian's /usr/bin/chromium
// driven by playwright-core (docs/decisions.md, D9); nothing is downloaded.
import path from "node:path";
import { readFileSync } from "node:fs";
import { DESKTOP, PHONE, RESULT_TIMEOUT, STEP_TIMEOUT, botCount, main, noHorizontalScroll, openChat, opts, ready,
         say, shot, waitForBot } from "./browser.mjs";

// Records progress values seen while a job's bar is still running, and the first plot size.
function watchProgress() {
  window.__progressSeen = [];
  new MutationObserver(() => {
    for (const bar of document.querySelectorAll(".job progress")) {
      const job = bar.closest(".job");
      if (job.dataset.state === "running") window.__progressSeen.push(Number(bar.getAttribute("value")));
    }
  }).observe(document.getElementById("log"), { subtree: true, childList: true, attributes: true });
}

const scenarios = {
  /** The contract fixtures (tests/fixtures/payloads), rendered by the real widget: they are put in
   *  the stored transcript, so a reload renders each one exactly as a live message. */
  async payloads(browser) {
    const context = await browser.newContext(DESKTOP);
    const errors = [];
    const records = opts.payloads.map((msg) => ({ kind: "bot", msg }));
    await context.addInitScript((stored) => {
      if (!window.sessionStorage.getItem("seeded")) {
        window.localStorage.setItem("tutor-history", JSON.stringify(stored));
        window.sessionStorage.setItem("seeded", "1");
      }
    }, records);
    const page = await context.newPage();
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(opts.url);
    await ready(page);
    await shot(page, "payloads.png");
    const texts = (selector) => page.locator(selector).allTextContents();
    const found = {
      errors,
      jobTitles: await texts("#log .job-title"),
      jobStatuses: await texts("#log .job-status"),
      resultTitles: await texts("#log .result-title"),
      metricRows: await page.locator("#log table.metrics tr").count(),
      comparisonRows: await page.locator("#log table.comparison tbody tr").count(),
      downloads: await page.locator("#log a.download-card").evaluateAll((links) => links.map((a) => a.href)),
      generated: await texts("#log blockquote.generated"),
      modelTitles: await texts("#log .model-title"),
      lessonChip: await page.locator("#lesson-status").evaluate((chip) => (chip.hidden ? null : chip.textContent)),
    };
    await context.close();
    return found;
  },
  /** A bot answer with a code block: the block gets a Copy button that copies only the code. */
  async codeCopy(browser) {
    const context = await browser.newContext({ ...DESKTOP, permissions: ["clipboard-read", "clipboard-write"] });
    const records = [{ kind: "bot", msg: { text: opts.text } }];
    await context.addInitScript((stored) => {
      if (!window.sessionStorage.getItem("seeded")) {
        window.localStorage.setItem("tutor-history", JSON.stringify(stored));
        window.sessionStorage.setItem("seeded", "1");
      }
    }, records);
    const page = await context.newPage();
    await page.goto(opts.url);
    await ready(page);
    const button = page.locator("#log pre button.copy-code").first();
    await button.click();
    await page.waitForFunction(() => document.querySelector("#log pre button.copy-code").textContent !== "Copy");
    const found = {
      buttons: await page.locator("#log pre button.copy-code").count(),
      label: await button.textContent(),
      copied: await page.evaluate(() => navigator.clipboard.readText()),
    };
    await context.close();
    return found;
  },
  /** The page an export bundles (tfjs/index.html): it loads the model and predicts `opts.input`. */
  async exportPage(browser) {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
    await page.goto(opts.url);
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const result = await page.evaluate((input) => window.tutorPredict(input), opts.input);
    await shot(page, "export-page.png");
    return { result, shown: await page.evaluate(() => document.body.innerText) };
  },

  // Steps 1-4 and 6 of the brief: train, progress, plot, TFLite download, reload keeps history.
  async training(browser) {
    const { page } = await openChat(browser);
    await page.evaluate(watchProgress);
    const sessionBefore = await page.evaluate(() => localStorage.getItem("tutor-session-id"));
    await say(page, opts.trainText);
    const ack = await waitForBot(page, /Job #\d+/);
    const jobId = Number(/Job #(\d+)/.exec(ack)[1]);
    const jobSel = `.job[data-job-id="${jobId}"]`;
    await page.locator(jobSel).waitFor();
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === "succeeded",
                               `${jobSel}`, { timeout: RESULT_TIMEOUT });
    const progressSeen = await page.evaluate(() => window.__progressSeen);
    const finalProgress = Number(await page.locator(`${jobSel} progress`).getAttribute("value"));

    // The plot renders (decoded image with a width), enlarges on click, Escape closes it.
    const plot = page.locator("#log .msg.image img").first();
    await plot.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector("#log .msg.image img");
      return img && img.complete && img.naturalWidth > 0;
    });
    const plotWidth = await plot.evaluate((img) => img.naturalWidth);
    await page.locator("#log .msg.image button.plot").first().click();
    await page.waitForFunction(() => document.getElementById("lightbox").open
                               && document.querySelector("#lightbox img").naturalWidth > 0);
    const lightboxShot = await shot(page, "desktop-lightbox.png");
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.getElementById("lightbox").open);

    // The result card: metrics table and download cards (no plot / validation data cards).
    const card = page.locator(`.msg.result[data-job-id="${jobId}"]`);
    await card.waitFor();
    const metrics = await card.locator("table.metrics th").allTextContents();
    const downloads = await card.locator(".download-card").evaluateAll(
      (links) => links.map((a) => ({ name: a.querySelector(".dl-name").textContent,
                                     meta: a.querySelector(".dl-meta").textContent, href: a.href })));

    // Download the TFLite file through the card.
    const tflite = card.locator('.download-card[href$=".tflite"]');
    const [download] = await Promise.all([page.waitForEvent("download"), tflite.click()]);
    const saved = path.join(opts.outDir, "downloads", download.suggestedFilename());
    await download.saveAs(saved);
    const head = readFileSync(saved).subarray(0, 8);

    await page.waitForTimeout(300); // let the last messages of the result land
    const desktopShot = await shot(page, "desktop.png");
    const before = await page.locator("#log .msg").allTextContents();

    // Reload: same session id, same transcript, and the bot still answers in that session.
    await page.reload();
    await ready(page);
    const sessionAfter = await page.evaluate(() => localStorage.getItem("tutor-session-id"));
    const after = await page.locator("#log .msg").allTextContents();
    const restoredBars = await page.locator(`${jobSel}`).getAttribute("data-state");
    const from = await botCount(page);
    await say(page, "show my models");
    const models = await waitForBot(page, new RegExp(`#${jobId}\\b`), from);
    await page.waitForTimeout(500); // the models card follows its text
    const reloadShot = await shot(page, "desktop-after-reload.png");
    return {
      jobId, progressSeen, finalProgress, plotWidth, metrics, downloads,
      download: { file: saved, suggested: download.suggestedFilename(), headHex: head.toString("hex") },
      sessionBefore, sessionAfter, before, after, restoredBars, models,
      screenshots: [desktopShot, lightboxShot, reloadShot],
    };
  },

  // Step 5: a quick reply sends its payload and shows its title as the learner's bubble.
  async quickReply(browser) {
    const { page } = await openChat(browser);
    await say(page, "hi");
    await page.locator("#log .quick-reply", { hasText: "What can you do?" }).last().waitFor();
    const from = await botCount(page);
    await page.locator("#log .quick-reply", { hasText: "What can you do?" }).last().click();
    const help = await waitForBot(page, /Here's what I can do/, from);
    const users = await page.locator("#log .msg.user").allTextContents();
    return { help, users };
  },

  // A lesson in the widget: the top-bar chip follows the step, quiz options are buttons.
  async lesson(browser) {
    const { page } = await openChat(browser);
    await say(page, "start lesson 1");
    await waitForBot(page, /Welcome!/);
    const chip = page.locator("#lesson-status");
    await chip.waitFor();
    const first = await chip.textContent();
    let from = await botCount(page);
    await page.locator("#log .quick-reply", { hasText: "Next" }).last().click();
    await waitForBot(page, /what do you give the computer/, from);
    await page.waitForFunction(() => /step 2 of/.test(document.getElementById("lesson-status").textContent));
    const options = await page.locator("#log .quick-reply").evaluateAll(
      (nodes) => nodes.slice(-3).map((n) => n.textContent));
    from = await botCount(page);
    await page.locator("#log .quick-reply", { hasText: "Examples of data together with the right answers" }).last().click();
    const feedback = await waitForBot(page, /computer infers the rules/, from);
    // The lesson's state payload ends the turn, a moment after its text.
    await page.waitForFunction(() => !/step 2 of/.test(document.getElementById("lesson-status").textContent));
    const second = await chip.textContent();
    await shot(page, "desktop-lesson.png");
    return { first, second, options, feedback,
             users: await page.locator("#log .msg.user").allTextContents() };
  },

  // Keyboard only: Tab to the input, Enter sends; Shift+Tab reaches a quick reply, which shows
  // a visible focus ring and is activated with Enter.
  async keyboard(browser) {
    const { page } = await openChat(browser);
    let tabs = 0;
    while (tabs < 12 && !(await page.evaluate(() => document.activeElement?.id === "text"))) {
      await page.keyboard.press("Tab");
      tabs += 1;
    }
    const inputFocused = await page.evaluate(() => document.activeElement?.id === "text");
    await page.keyboard.type("hello");
    await page.keyboard.press("Enter");
    await page.locator("#log .quick-reply").first().waitFor();
    let back = 0;
    while (back < 12 && !(await page.evaluate(() => document.activeElement?.classList.contains("quick-reply")))) {
      await page.keyboard.press("Shift+Tab");
      back += 1;
    }
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { title: el.textContent, outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth };
    });
    const from = await botCount(page);
    await page.keyboard.press("Enter");
    const reply = await page.waitForFunction((start) => {
      const bubbles = [...document.querySelectorAll("#log .msg.bot")].slice(start);
      return bubbles.length ? bubbles[0].textContent : false;
    }, from).then((h) => h.jsonValue());
    const users = await page.locator("#log .msg.user").allTextContents();
    const labels = await page.evaluate(() => ({
      log: [document.getElementById("log").getAttribute("role"), document.getElementById("log").getAttribute("aria-live")],
      input: document.getElementById("text").labels.length + (document.getElementById("text").getAttribute("aria-label") ? 1 : 0),
      send: document.querySelector("#send button[type=submit]").getAttribute("aria-label"),
    }));
    return { tabs, inputFocused, focused, reply, users, labels };
  },

  // A phone-sized screen: no horizontal scroll with a full training result on screen.
  async phone(browser) {
    const { page } = await openChat(browser, PHONE);
    await say(page, "hi");
    await waitForBot(page, /Tutor/);
    await say(page, opts.trainText);
    const ack = await waitForBot(page, /Job #\d+/);
    const jobId = Number(/Job #(\d+)/.exec(ack)[1]);
    await page.locator(`.msg.result[data-job-id="${jobId}"]`).waitFor({ timeout: RESULT_TIMEOUT });
    await page.waitForFunction(() => [...document.querySelectorAll("#log .msg.image img")]
      .every((img) => img.complete && img.naturalWidth > 0));
    await page.waitForTimeout(300);
    const widths = await page.evaluate(noHorizontalScroll);
    const top = await shot(page, "phone.png");
    await page.evaluate(() => { const s = document.getElementById("scroller"); s.scrollTop = 0; });
    const hello = await shot(page, "phone-top.png");
    return { jobId, widths, screenshots: [top, hello] };
  },

  // The typing indicator, the "reconnecting" banner when the network drops, and New conversation.
  async resilience(browser) {
    const { context, page } = await openChat(browser);
    await page.evaluate(() => {
      window.__typing = [];
      new MutationObserver(() => window.__typing.push(!document.getElementById("typing").hidden))
        .observe(document.getElementById("typing"), { attributes: true, attributeFilter: ["hidden"] });
    });
    await say(page, "hi");
    await waitForBot(page, /Tutor/);
    await page.waitForFunction(() => document.getElementById("typing").hidden);
    const typing = await page.evaluate(() => window.__typing);

    await context.setOffline(true);
    await page.waitForFunction(() => !document.getElementById("connection").hidden, null, { timeout: 60_000 });
    const banner = await page.locator("#connection").textContent();
    const offlineShot = await shot(page, "desktop-reconnecting.png");
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById("connection").hidden, null, { timeout: 60_000 });
    let from = await botCount(page);
    await say(page, "what is overfitting?");
    const afterReconnect = await waitForBot(page, /./, from);

    // New conversation (confirmed) clears the screen to the welcome and keeps the session (D33).
    const oldSession = await page.evaluate(() => localStorage.getItem("tutor-session-id"));
    await page.getByRole("button", { name: "New conversation" }).click();
    await page.locator("#confirm-new").getByRole("button", { name: "Clear the chat" }).click();
    const cleared = await page.locator("#log .msg:not(.welcome)").count();
    const newSession = await page.evaluate(() => localStorage.getItem("tutor-session-id"));
    await say(page, "hi");
    const greeting = await waitForBot(page, /Tutor/, 1);
    await page.reload();
    await ready(page);
    const afterReload = await page.locator("#log .msg:not(.welcome)").allTextContents();
    return { typing, banner, afterReconnect, oldSession, newSession, cleared, greeting, afterReload,
             screenshots: [offlineShot] };
  },

  // Send -> first rendered bot bubble, measured in the page (Enter keydown to the animation
  // frame after the bubble is added), over several FAQ questions.
  async latency(browser) {
    const { page } = await openChat(browser);
    await page.evaluate(() => {
      window.__latencies = [];
      window.__sentAt = null;
      document.getElementById("text").addEventListener("keydown", (e) => {
        if (e.key === "Enter") window.__sentAt = performance.now();
      }, true);
      new MutationObserver((mutations) => {
        if (window.__sentAt === null) return;
        const added = mutations.some((m) => [...m.addedNodes].some((n) => n.classList?.contains("bot")));
        if (!added) return;
        const sentAt = window.__sentAt;
        window.__sentAt = null;
        requestAnimationFrame(() => window.__latencies.push(performance.now() - sentAt));
      }).observe(document.getElementById("log"), { childList: true });
    });
    const samples = [];
    for (const [i, question] of opts.questions.entries()) {
      await say(page, question);
      await page.waitForFunction((n) => window.__latencies.length >= n, i + 1);
      await page.waitForFunction(() => document.getElementById("typing").hidden);
      await page.waitForTimeout(400); // the rest of the answer (faq payload) lands before the next send
      samples.push(await page.evaluate((n) => window.__latencies[n], i));
    }
    return { samples };
  },
};

await main(scenarios);
