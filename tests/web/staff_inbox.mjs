// The staff page's Unanswered and Handoffs sections (api/static/staff_inbox.js) against the shared
// stack (real Rasa, the action server, the API), with a learner in the chat widget: the learner
// asks a question Tutor cannot answer and another; staff see both groups, answer
// the first (the learner's widget shows the "Course staff" bubble) and dismiss the second; the
// learner asks for a person, the Handoffs badge counts it, staff read the transcript and reply,
// and the learner's widget shows the reply as from course staff; the audit lists the writes.
// Run by tests/web/test_staff_inbox_page.py; options on stdin: {url, outDir, chromium, token,
// question, second, answer, reply}.
import { DESKTOP, main, openChat, opts, say, shot, STEP_TIMEOUT, waitForBot } from "./browser.mjs";

const TURN_TIMEOUT = 60_000; // a turn through Rasa on a busy 2-core machine
const BADGE_TIMEOUT = 30_000; // the handoff list is polled every 20 s

async function openStaff(browser) {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on("pageerror", (err) => console.error(`[staff page error] ${err.message}`));
  page.on("response", (r) => { if (r.status() >= 400) console.error(`[staff page] ${r.status()} ${r.url()}`); });
  await page.goto(`${opts.url}staff-ui#token=${encodeURIComponent(opts.token)}`);
  await page.waitForFunction(() => document.body.dataset.state === "loaded");
  return page;
}

/** Click a section in the navigation; resolves once its list has loaded. */
async function section(page, name) {
  await page.locator(`#sections-nav a[data-section=${name}]`).click();
  await page.waitForFunction((n) => document.body.dataset.section === n
                               && document.body.dataset.sectionState === "loaded", name);
}

const badge = (page) => page.evaluate(() => {
  const b = document.getElementById("handoffs-badge");
  return b.hidden ? 0 : Number(b.textContent);
});

/** The text of the learner's staff bubbles (label | text), once one matches `pattern`. */
async function staffBubble(page, pattern) {
  await waitForBot(page, pattern, 0, TURN_TIMEOUT);
  return page.$$eval("#log .msg.bot.staff", (nodes) => nodes.map((n) => ({
    label: n.querySelector(".staff-label")?.textContent, text: n.querySelector(".staff-text")?.textContent })));
}

async function inboxScenario(browser) {
  const found = {};
  const staff = await openStaff(browser);
  await section(staff, "unanswered"); // mounted before the learner asks: the next show must reload
  await staff.waitForFunction(() => document.querySelector("#handoffs-inbox .inbox-handoffs")?.childElementCount > 0);
  found.badgeBefore = await badge(staff);

  // The learner asks a question Tutor cannot answer, and one staff will call off-topic.
  const { page: learner } = await openChat(browser);
  await say(learner, opts.question);
  found.firstReply = await waitForBot(learner, /not sure/i, 0, TURN_TIMEOUT);
  const before = await learner.locator("#log .msg.bot").count();
  await say(learner, opts.second);
  found.offTopicReply = await waitForBot(learner, /not sure/i, before, TURN_TIMEOUT);

  // Staff show the section again: both groups are there, with their count and wording.
  await section(staff, "handoffs");
  await section(staff, "unanswered");
  const group = staff.locator(".inbox-group", { has: staff.locator(".inbox-examples li", { hasText: opts.question }) });
  await group.waitFor();
  found.groupHeading = await group.locator("h3").textContent();
  found.groupExamples = await group.locator(".inbox-examples li").allTextContents();
  await group.locator(".inbox-topic").fill("Mixture of experts load balancing");
  await group.locator(".inbox-answer").fill(opts.answer);
  await shot(staff, "staff-inbox-unanswered.png");
  await group.locator("button", { hasText: "Publish the answer" }).click();
  await staff.waitForFunction(() => /^Answered:/.test(document.querySelector("#unanswered-inbox .inbox-note").textContent));
  found.answerNote = await staff.locator("#unanswered-inbox .inbox-note").textContent();
  await group.waitFor({ state: "detached" });
  found.answeredGroupLeft = await group.count();

  // The learner's widget shows the answer in a "Course staff" bubble.
  found.learnerAnswer = await staffBubble(learner, /Course staff answered your question/);
  await shot(learner, "staff-inbox-learner-answer.png");

  // The second group is dismissed from the page and disappears.
  const other = staff.locator(".inbox-group", { has: staff.locator(".inbox-examples li", { hasText: opts.second }) });
  await other.waitFor();
  await other.locator("button", { hasText: "Dismiss as off-topic" }).click();
  await staff.waitForFunction(() => /^Dismissed:/.test(document.querySelector("#unanswered-inbox .inbox-note").textContent));
  found.dismissNote = await staff.locator("#unanswered-inbox .inbox-note").textContent();
  await other.waitFor({ state: "detached" });
  found.dismissedGroupLeft = await other.count();

  // The learner asks for a person (staff are present: the page polls the handoffs) and adds a line.
  let from = await learner.locator("#log .msg.bot").count();
  await say(learner, "can I talk to a human?");
  found.handoffOpened = await waitForBot(learner, /asked the course staff to join/, from, TURN_TIMEOUT);
  from = await learner.locator("#log .msg.bot").count();
  await say(learner, "my loss goes to nan after two epochs");
  await waitForBot(learner, /added that for the course staff/, from, TURN_TIMEOUT);

  // The badge counts it while staff are on another section (the list's poll), then the transcript.
  await staff.waitForFunction((n) => {
    const b = document.getElementById("handoffs-badge");
    return !b.hidden && Number(b.textContent) > n;
  }, found.badgeBefore, { timeout: BADGE_TIMEOUT });
  found.badgeAfter = await badge(staff);
  await shot(staff, "staff-inbox-badge.png");
  await section(staff, "handoffs");
  const handoff = staff.locator(".inbox-handoff", { hasText: opts.question });
  await handoff.waitFor();
  found.transcript = await handoff.locator(".inbox-lines").first().locator(".inbox-line").allTextContents();
  found.threadBefore = await handoff.locator(".inbox-lines").nth(1).locator(".inbox-line").allTextContents();
  await handoff.locator(".inbox-reply").fill(opts.reply);
  await handoff.locator("button", { hasText: "Send reply" }).click();
  await staff.waitForFunction(() => document.querySelector("#handoffs-inbox .inbox-note").textContent !== "");
  found.replyNote = await staff.locator("#handoffs-inbox .inbox-note").textContent();
  await handoff.locator(".inbox-line.staff").waitFor(); // the list shows the reply just sent
  found.threadAfter = await handoff.locator(".inbox-lines").nth(1).locator(".inbox-line").allTextContents();
  await shot(staff, "staff-inbox-handoff.png");

  // The learner's widget shows the reply as from course staff; then the learner ends the handoff.
  found.learnerReply = await staffBubble(learner, new RegExp(opts.reply.slice(0, 20)));
  await shot(learner, "staff-inbox-learner-reply.png");
  from = await learner.locator("#log .msg.bot").count();
  await say(learner, "back to Tutor");
  found.ended = await waitForBot(learner, /back with Tutor/, from, TURN_TIMEOUT);

  // The audit section lists the three writes, newest first.
  await section(staff, "audit");
  found.audit = await staff.$$eval("#audit tbody tr", (trs) => trs.slice(0, 3).map(
    (tr) => [...tr.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent)));
  await staff.screenshot({ path: `${opts.outDir}/staff-inbox-audit.png`, fullPage: true });
  return found;
}

await main({ inbox: inboxScenario });
