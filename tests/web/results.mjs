// Result cards in the real widget (issue 16, section 4), from a seeded transcript: a result is shown
// once (the card carries its text), a failed run shows its retry button, the TF.js export links the
// page and the zip, and on a phone a wide plot keeps captions readable. Driven by
// tests/web/test_result_cards.py; screenshots in outDir.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DESKTOP, PHONE, RESULT_TIMEOUT, botCount, main, openChat, opts, ready, say, shot, waitForBot } from "./browser.mjs";

/** Wait for the job bar of job `id` to reach `state` ("failed", "succeeded"). */
async function jobEnds(page, id, state) {
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.dataset.state === want,
                             [`.job[data-job-id="${id}"]`, state], { timeout: RESULT_TIMEOUT });
}

async function seeded(browser, device, messages) {
  const context = await browser.newContext(device);
  const errors = [];
  await context.addInitScript((stored) => {
    if (!window.sessionStorage.getItem("seeded")) {
      window.localStorage.setItem("tutor-history", JSON.stringify(stored));
      window.sessionStorage.setItem("seeded", "1");
    }
  }, messages.map((msg) => ({ kind: "bot", msg })));
  const page = await context.newPage();
  page.on("pageerror", (err) => errors.push(err.message));
  // The plot is served by the test (a real prediction grid PNG from skills/vision_plots.py).
  await page.route("**/test-plots/predictions.png", (route) => route.fulfill({
    status: 200, contentType: "image/png", body: readFileSync(opts.plotFile) }));
  await page.goto(opts.url);
  await ready(page);
  return { context, page, errors };
}

const scenarios = {
  // On the real stack: a run that blows up offers its retry button, whose click starts the fixed
  // run; the TF.js export of that run links its page and zip, and both really download.
  async retryAndExport(browser) {
    const { context, page } = await openChat(browser);
    await say(page, opts.failText);
    const failedId = Number(/Job #(\d+)/.exec(await waitForBot(page, /Job #\d+/))[1]);
    await jobEnds(page, failedId, "failed");
    const retry = page.locator("#log .quick-reply", { hasText: "Retry with learning rate" }).last();
    await retry.waitFor({ timeout: RESULT_TIMEOUT });
    const retryTitle = await retry.textContent();
    let from = await botCount(page);
    await retry.click();
    const retried = await waitForBot(page, /retrying your/i, from);
    const retryId = Number(/Job #(\d+)/.exec(retried)?.[1]
                           ?? /Job #(\d+)/.exec(await waitForBot(page, /Job #\d+/, from))[1]);
    await jobEnds(page, retryId, "succeeded");

    from = await botCount(page);
    await say(page, opts.exportText);
    const exportId = Number(/Job #(\d+)/.exec(await waitForBot(page, /Job #\d+/, from))[1]);
    const card = page.locator(`.msg.result[data-job-id="${exportId}"]`);
    await card.waitFor({ timeout: RESULT_TIMEOUT });
    await shot(page, "tfjs-export-card.png");
    const links = await card.locator("a.download-card").evaluateAll(
      (all) => all.map((a) => ({ href: a.href, target: a.target, download: a.getAttribute("download") })));

    // The page opens in a tab, and that tab fetches the model and its weights from beside it.
    const pageLink = card.locator('a.download-card[href$="/index.html"]');
    const fetched = [];
    context.on("response", (r) => { if (r.url().includes("/tfjs/")) fetched.push({ url: r.url(), status: r.status() }); });
    const [tab] = await Promise.all([context.waitForEvent("page"), pageLink.click()]);
    await tab.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("/model.json")));
    await tab.waitForLoadState("networkidle");
    const pageHtml = await tab.content();
    const pageType = (await (await tab.request.get(tab.url())).headers())["content-type"];
    await shot(tab, "tfjs-export-page.png");

    // The zip is a download.
    const zipLink = card.locator('a.download-card[href$=".zip"]');
    const [download] = await Promise.all([page.waitForEvent("download"), zipLink.click()]);
    const zipFile = path.join(opts.outDir, "downloads", download.suggestedFilename());
    await download.saveAs(zipFile);
    await context.close();
    return { failedId, retryTitle, retried, retryId, exportId, links, fetched, pageType,
             pageHtml, zipFile, zipName: download.suggestedFilename() };
  },
  async cards(browser) {
    const { context, page, errors } = await seeded(browser, DESKTOP, opts.messages);
    await shot(page, "result-cards.png");
    const found = await page.evaluate(() => {
      const log = document.getElementById("log");
      const all = (sel) => [...log.querySelectorAll(sel)];
      return {
        bubbles: all(".msg.bot.text").map((b) => b.textContent),
        cards: all(".msg.bot.result").map((c) => c.querySelector(".result-text")?.textContent || ""),
        links: all("a.download-card").map((a) => ({ href: a.href, target: a.target, download: a.getAttribute("download"),
                                                    meta: a.querySelector(".dl-meta").textContent })),
        variants: all("table.variants tbody tr").map((tr) => [...tr.children].map((td) => td.textContent)),
        buttons: all(".quick-reply").map((b) => b.textContent),
        models: all(".model-list li").map((li) => li.textContent),
      };
    });
    await context.close();
    return { errors, ...found };
  },
  async phonePlot(browser) {
    const { context, page, errors } = await seeded(browser, PHONE, [{ image: `${opts.url}test-plots/predictions.png` }]);
    const img = page.locator("#log .msg.image img");
    await page.waitForFunction(() => {
      const i = document.querySelector("#log .msg.image img");
      return i && i.complete && i.naturalWidth > 0 && i.closest(".msg").classList.contains("wide");
    });
    await shot(page, "phone-prediction-grid.png");
    const found = await img.evaluate((i) => ({
      natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
      frame: i.closest(".msg").clientWidth, scrolls: i.closest(".msg").scrollWidth > i.closest(".msg").clientWidth,
      pageWidth: document.documentElement.scrollWidth,
    }));
    await context.close();
    return { errors, ...found };
  },
};

await main(scenarios);
