// The learner's walk-through (issue 16) in the real widget, driven by tests/web/test_chat_widget.py:
// the welcome, one click one job, New conversation keeping the learner, a multi-line paste, the
// lesson chip on a phone and across a reload, and the layout of percentages and file names.
// Usage: node walkthrough.mjs <scenario>  (JSON options on stdin); prints one JSON line.
import { DESKTOP, PHONE, RESULT_TIMEOUT, botCount, main, openChat, opts, ready, say, shot,
         waitForBot } from "./browser.mjs";

const sessionOf = (page) => page.evaluate(() => localStorage.getItem("tutor-session-id"));
const userTexts = (page) => page.locator("#log .msg.user").allTextContents();

/** Every user_uttered message the page sends over socket.io's long-polling POSTs. */
function recordSent(page) {
  const sent = [];
  page.on("request", (request) => {
    if (request.method() !== "POST" || !request.url().includes("/socket.io/")) return;
    for (const packet of (request.postData() || "").split("\x1e")) {
      if (!packet.startsWith("42")) continue;
      const [event, data] = JSON.parse(packet.slice(2));
      if (event === "user_uttered") sent.push(data.message);
    }
  });
  return sent;
}

/** Is the element one line high? (its height against its own line height) */
function oneLine(selector) {
  const node = document.querySelector(selector);
  const style = getComputedStyle(node);
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
  const height = node.getBoundingClientRect().height;
  return { text: node.textContent, height, lineHeight, oneLine: height < lineHeight * 1.5 };
}

/** Where each file name card's text wraps: the character before every line break. */
function fileNameBreaks() {
  return [...document.querySelectorAll("#log .dl-name")].map((name) => {
    const text = name.textContent;
    const breaksAfter = [];
    let offset = 0;
    let lastTop = null;
    for (const node of name.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      for (let i = 0; i < node.length; i += 1) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const top = Math.round(range.getBoundingClientRect().top);
        if (lastTop !== null && top > lastTop + 2) breaksAfter.push(text[offset + i - 1]);
        lastTop = top;
      }
      offset += node.length;
    }
    return { text, lines: breaksAfter.length + 1, breaksAfter };
  });
}

/** A page whose stored transcript is `records` on its first load (the widget renders them). */
async function openSeeded(browser, device, records) {
  const context = await browser.newContext(device);
  await context.addInitScript((stored) => {
    if (!window.sessionStorage.getItem("seeded")) {
      window.localStorage.setItem("tutor-history", JSON.stringify(stored));
      window.sessionStorage.setItem("seeded", "1");
    }
  }, records);
  const page = await context.newPage();
  await page.goto(opts.url);
  await ready(page);
  return { context, page };
}

const scenarios = {
  /** First load: the welcome (once, also after a reload), and its buttons work. */
  async welcome(browser) {
    const { page } = await openChat(browser);
    const welcome = page.locator("#log .msg.bot.welcome");
    const text = await welcome.textContent();
    const buttons = await welcome.locator(".quick-reply").allTextContents();
    const desktopShot = await shot(page, "welcome-desktop.png");
    await page.reload();
    await ready(page);
    const afterReload = await page.locator("#log .msg").count();
    const from = await botCount(page);
    await welcome.locator(".quick-reply", { hasText: "What is overfitting?" }).click();
    const answer = await waitForBot(page, /overfit/i, from);
    const phone = await openChat(browser, PHONE);
    const phoneShot = await shot(phone.page, "welcome-phone.png");
    const phoneButtons = await phone.page.locator("#log .msg.bot.welcome .quick-reply").count();
    return { text, buttons, afterReload, answer, users: await userTexts(page), phoneButtons,
             screenshots: [desktopShot, phoneShot] };
  },

  /** A double click on a training button (on a phone) sends once and starts one job. */
  async doubleClick(browser) {
    const { page } = await openChat(browser, PHONE);
    const sent = recordSent(page);
    const button = page.locator("#log .msg.bot.welcome .quick-reply", { hasText: opts.buttonTitle });
    // Read the button's state in the page, right after each click's own handler ran: a fast
    // reply re-enables the row before a later isDisabled() round trip could look.
    await page.evaluate(() => {
      window.afterClicks = [];
      document.addEventListener("click", (event) => {
        const clicked = event.target.closest(".quick-reply");
        if (clicked) window.afterClicks.push(clicked.disabled);
      });
    });
    await button.dblclick();
    const afterClicks = await page.evaluate(() => window.afterClicks);
    const disabledWhileWaiting = afterClicks.length >= 1 && afterClicks.every(Boolean);
    const ack = await waitForBot(page, /Job #\d+/);
    const jobId = Number(/Job #(\d+)/.exec(ack)[1]);
    await page.waitForFunction((id) => document.querySelector(`.job[data-job-id="${id}"]`)?.dataset.state === "succeeded",
                               jobId, { timeout: RESULT_TIMEOUT });
    await page.waitForTimeout(2000); // time for a second job's card, had a second message gone out
    const jobIds = await page.evaluate(() => [...new Set([
      ...[...document.querySelectorAll("#log .job[data-job-id]")].map((n) => Number(n.dataset.jobId)),
      ...[...document.querySelectorAll("#log .msg.bot")].flatMap((n) => [...n.textContent.matchAll(/Job #(\d+)/g)]
        .map((m) => Number(m[1]))),
    ])]);
    const enabledAfterReply = !(await button.isDisabled());
    const percent = await page.evaluate(oneLine, `.job[data-job-id="${jobId}"] .job-percent`);
    const jobShot = await shot(page, "double-click-phone.png");
    const from = await botCount(page);
    await say(page, "show my models");
    await waitForBot(page, new RegExp(`#${jobId}\\b`), from);
    await page.locator("#log .msg.models").last().waitFor();
    const models = await page.locator("#log .msg.models").last().locator(".model-title").allTextContents();
    return { jobId, jobIds, sent, afterClicks, disabledWhileWaiting, enabledAfterReply, percent, models,
             users: await userTexts(page), screenshots: [jobShot] };
  },

  /** New conversation asks first, clears the screen, and the learner keeps their models. */
  async newConversation(browser) {
    const { page } = await openChat(browser);
    await say(page, opts.trainText);
    const ack = await waitForBot(page, /Job #\d+/);
    const jobId = Number(/Job #(\d+)/.exec(ack)[1]);
    await page.locator(`.msg.result[data-job-id="${jobId}"]`).waitFor({ timeout: RESULT_TIMEOUT });
    await page.waitForTimeout(300);
    const sessionBefore = await sessionOf(page);
    const messagesBefore = await page.locator("#log .msg").count();

    await page.getByRole("button", { name: "New conversation" }).click();
    const dialog = page.locator("#confirm-new");
    await dialog.waitFor();
    const question = await dialog.textContent();
    const dialogShot = await shot(page, "new-conversation-confirm.png");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    const afterCancel = await page.locator("#log .msg").count();

    await page.getByRole("button", { name: "New conversation" }).click();
    await dialog.getByRole("button", { name: "Clear the chat" }).click();
    const afterClear = await page.locator("#log .msg").evaluateAll(
      (nodes) => nodes.map((n) => (n.classList.contains("welcome") ? "welcome" : n.textContent)));
    const sessionAfter = await sessionOf(page);
    await say(page, "show my models");
    const models = await waitForBot(page, new RegExp(`#${jobId}\\b`), 1);
    await page.waitForTimeout(500);
    const modelsShot = await shot(page, "new-conversation-models.png");
    await page.reload();
    await ready(page);
    const afterReload = await userTexts(page);
    return { jobId, sessionBefore, sessionAfter, messagesBefore, question, afterCancel, afterClear,
             models, afterReload, screenshots: [dialogShot, modelsShot] };
  },

  /** Shift+Enter makes a new line, the box grows then scrolls, a pasted traceback is sent with
   *  its line breaks and shown as a monospaced block. */
  async multiline(browser) {
    const context = await browser.newContext({ ...DESKTOP, permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await page.goto(opts.url);
    await ready(page);
    const sent = recordSent(page);
    const box = page.locator("#text");
    const oneLineHeight = await box.evaluate((node) => node.getBoundingClientRect().height);
    await box.click();
    await page.keyboard.type("first line");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    const typed = await box.inputValue();
    const twoLineHeight = await box.evaluate((node) => node.getBoundingClientRect().height);
    const usersWhileTyping = await page.locator("#log .msg.user").count();
    await box.fill("");

    await page.evaluate((text) => navigator.clipboard.writeText(text), opts.paste);
    await box.focus();
    await page.keyboard.press("ControlOrMeta+V");
    const pasted = await box.inputValue();
    const grown = await box.evaluate((node) => ({ height: node.getBoundingClientRect().height,
                                                  scrolls: node.scrollHeight > node.clientHeight }));
    const composerShot = await shot(page, "multiline-composer.png");
    const from = await botCount(page);
    await page.keyboard.press("Enter");
    await waitForBot(page, /./, from);
    const sentPaste = [...sent]; // (the page keeps recording after the reload below)
    const bubble = await page.locator("#log .msg.user").last().evaluate((node) => {
      const pre = node.querySelector("pre.user-code");
      const style = pre ? getComputedStyle(pre) : null;
      return { code: Boolean(pre), text: pre ? pre.textContent : node.textContent,
               font: style && style.fontFamily, whiteSpace: style && style.whiteSpace };
    });
    const boxAfter = await box.evaluate((node) => ({ value: node.value, height: node.getBoundingClientRect().height }));
    const sentShot = await shot(page, "multiline-sent.png");
    // A long paste: the box stops growing at its max height and scrolls.
    await box.fill(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n"));
    const tall = await box.evaluate((node) => ({ height: node.getBoundingClientRect().height,
                                                 max: parseFloat(getComputedStyle(node).maxHeight),
                                                 scrolls: node.scrollHeight > node.clientHeight,
                                                 overflowY: getComputedStyle(node).overflowY }));
    const tallShot = await shot(page, "multiline-tall.png");
    await box.fill("");
    await page.reload();
    await ready(page);
    const restored = await page.locator("#log .msg.user pre.user-code").last().textContent();
    await say(page, "what is overfitting?");
    const plain = await page.locator("#log .msg.user").last().evaluate((n) => Boolean(n.querySelector("pre")));
    return { typed, oneLineHeight, twoLineHeight, usersWhileTyping, pasted, grown, sent: sentPaste, bubble,
             boxAfter, tall, restored, plain, screenshots: [composerShot, sentShot, tallShot] };
  },

  /** The lesson chip on a phone: it fits, survives a reload and New conversation, leaves on quit. */
  async lessonChip(browser) {
    const { page } = await openChat(browser, PHONE);
    await say(page, "start lesson 1");
    await waitForBot(page, /Welcome!/);
    const chip = page.locator("#lesson-status");
    await chip.waitFor();
    const fit = await page.evaluate(() => {
      const chipBox = document.getElementById("lesson-status").getBoundingClientRect();
      const button = document.getElementById("new-conversation").getBoundingClientRect();
      const whole = (sel) => {
        const n = document.querySelector(sel);
        return n.scrollWidth <= n.clientWidth && n.scrollHeight <= n.clientHeight + 1;
      };
      return { left: chipBox.left, right: chipBox.right, buttonLeft: button.left, buttonRight: button.right,
               innerWidth: window.innerWidth, titleWhole: whole("#lesson-status .lesson-title"),
               stepWhole: whole("#lesson-status .lesson-step"),
               topbarHeight: document.querySelector(".topbar").getBoundingClientRect().height };
    });
    const first = await chip.textContent();
    const chipShot = await shot(page, "lesson-chip-phone.png");

    await page.reload();
    await ready(page);
    const afterReload = await chip.evaluate((n) => (n.hidden ? null : n.textContent));
    const reloadShot = await shot(page, "lesson-chip-after-reload.png");

    await page.getByRole("button", { name: "New conversation" }).click();
    await page.locator("#confirm-new").getByRole("button", { name: "Clear the chat" }).click();
    const afterNew = await chip.evaluate((n) => (n.hidden ? null : n.textContent));
    await say(page, "where was I?");
    const whereWasI = await waitForBot(page, /Hello, neuron/, 1);

    const from = await botCount(page);
    await say(page, "quit lesson");
    const quit = await waitForBot(page, /left/, from);
    await page.waitForFunction(() => document.getElementById("lesson-status").hidden);
    const quitShot = await shot(page, "lesson-chip-after-quit.png");
    await page.reload();
    await ready(page);
    const afterQuitReload = await chip.evaluate((n) => (n.hidden ? null : n.textContent));
    return { first, fit, afterReload, afterNew, whereWasI, quit, afterQuitReload,
             screenshots: [chipShot, reloadShot, quitShot] };
  },

  /** At 375 px: a progress percent beside a long note stays on one line; long file names wrap
   *  only after _ . - (a stored transcript rendered by the real widget). */
  async layout(browser) {
    const records = opts.records.map((msg) => ({ kind: "bot", msg }));
    const { page } = await openSeeded(browser, PHONE, records);
    const percent = await page.evaluate(oneLine, ".job .job-percent");
    const names = await page.evaluate(fileNameBreaks);
    const layoutShot = await shot(page, "layout-phone.png");
    return { percent, names, screenshots: [layoutShot] };
  },
};

await main(scenarios);
