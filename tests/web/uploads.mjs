// Learners' own data in the real widget (issue 17), driven by tests/web/test_uploads_widget.py:
// each file is attached (the button's file picker, or dropped on the page), the summary and the
// job come back, then the result; refused files get their sentence and no job.
// Usage: node uploads.mjs <scenario>  (JSON options on stdin: files [{name, b64, drop}]); one JSON line.
import { RESULT_TIMEOUT, botCount, main, openChat, opts, shot, waitForBot } from "./browser.mjs";

/** Drop `file` on the page as a drag from the desktop does (a DataTransfer with one File). */
async function drop(page, file) {
  await page.evaluate(({ name, b64 }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name));
    const zone = document.querySelector(".app");
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, file);
}

async function attach(page, file) {
  if (file.drop) return drop(page, file);
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.locator(".composer .attach").click()]);
  await chooser.setFiles({ name: file.name, mimeType: "application/octet-stream", buffer: Buffer.from(file.b64, "base64") });
}

const jobState = (page, id) => page.evaluate((jobId) => document.querySelector(`.job[data-job-id="${jobId}"]`)?.dataset.state, id);

const scenarios = {
  /** Each file in turn: attach, summary, job, first progress, result; times from the attach. */
  async accepted(browser) {
    const { page } = await openChat(browser);
    const found = [];
    for (const file of opts.files) {
      const from = await botCount(page);
      const started = Date.now();
      await attach(page, file);
      const summary = await waitForBot(page, new RegExp(`Here's what I read in ${file.name.replace(".", "\\.")}`), from, 60_000);
      const ack = await waitForBot(page, /Job #\d+/, from, 30_000);
      const jobId = Number(/Job #(\d+)/.exec(ack)[1]);
      const jobSel = `.job[data-job-id="${jobId}"]`;
      await page.locator(jobSel).waitFor();
      await page.waitForFunction((sel) => ["running", "succeeded"].includes(document.querySelector(sel)?.dataset.state),
                                 jobSel, { timeout: RESULT_TIMEOUT });
      const firstProgress = Date.now() - started;
      await page.waitForFunction((sel) => ["succeeded", "failed"].includes(document.querySelector(sel)?.dataset.state),
                                 jobSel, { timeout: RESULT_TIMEOUT });
      const state = await jobState(page, jobId);
      const result = await page.locator(`.msg.result[data-job-id="${jobId}"]`).textContent({ timeout: 30_000 });
      found.push({ name: file.name, summary, jobId, state, result: result.slice(0, 400),
                   user: (await page.locator("#log .msg.user").allTextContents()).at(-1),
                   firstProgressMs: firstProgress, resultMs: Date.now() - started });
    }
    await shot(page, "uploads-accepted.png");
    return { found };
  },

  /** Each refused file: its sentence right away, and no job in the transcript. */
  async refused(browser) {
    const { page } = await openChat(browser);
    const found = [];
    for (const file of opts.files) {
      const from = await botCount(page);
      await attach(page, file);
      const text = await waitForBot(page, new RegExp(file.expect), from, 60_000);
      found.push({ name: file.name, text });
    }
    await page.waitForTimeout(1500); // a job card would have arrived by now
    const jobs = await page.locator("#log .job").count();
    const user = await page.locator("#log .msg.user").allTextContents();
    await shot(page, "uploads-refused.png");
    return { found, jobs, user };
  },
};

await main(scenarios);
