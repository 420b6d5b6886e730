// Result delivery (jobs/delivery.py on the server): a result counts as delivered only when this
// widget has rendered it. Every result card carries a receipt (its job's public id); the widget
// acknowledges it, and asks for the results it is still owed whenever it (re)connects or the
// learner sends a message, since a result pushed while it was disconnected went to an empty room.
// The server pushes an unacknowledged result again, so the same result can arrive twice: its
// text, plot and card are shown once.
import * as store from "./store.js";

// The texts the result action sends before the card (actions/job_updates.py).
const RESULT_TEXT = /^Job #(\d+) (?:is done\.|was stopped\.|didn't finish\.)/;
const ARTIFACT_ID = /\/artifacts\/([0-9a-f]{32})\//;
const OWED_EVERY_MS = 3000; // at most one "what am I owed?" per this interval

function post(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null); // the API is down: the server keeps the result owed and sends it again
}

export function createDelivery() {
  let askedAt = -Infinity;

  /** True if `msg` belongs to a result this browser has shown already. */
  function duplicate(msg) {
    if (msg.type === "result") return store.resultShown({ jobId: Number(msg.job_id) });
    if (typeof msg.text === "string") {
      const match = RESULT_TEXT.exec(msg.text.trim());
      return Boolean(match) && store.resultShown({ jobId: Number(match[1]) });
    }
    const src = msg.attachment && msg.attachment.payload && msg.attachment.payload.src;
    const match = typeof src === "string" ? ARTIFACT_ID.exec(src) : null;
    return Boolean(match) && store.resultShown({ receipt: match[1] });
  }

  /** After a bot message was rendered (or skipped as a duplicate): acknowledge result cards. */
  function handled(msg) {
    if (msg.type !== "result" || typeof msg.receipt !== "string") return;
    store.rememberShown(Number(msg.job_id), msg.receipt);
    post("/chat/results/shown", { session_id: store.sessionId(), receipts: [msg.receipt] });
  }

  /** Ask the server to push again every result this session has not shown. */
  function askOwed({ force = false } = {}) {
    const now = Date.now();
    if (!force && now - askedAt < OWED_EVERY_MS) return;
    askedAt = now;
    post("/chat/results/owed", { session_id: store.sessionId() });
  }

  return { duplicate, handled, askOwed };
}
