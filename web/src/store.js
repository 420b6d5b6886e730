// What survives a reload: the Rasa session id (session_persistence keeps the conversation on the
// server), the transcript as the records it was rendered from (last MAX_RECORDS), and the last
// lesson state (the top-bar chip).
// The session id is the learner: the server keys models, runs and lessons by it (bot/identity.py,
// D26). It is a random token made here, and "New conversation" keeps it (D33).
const SESSION_KEY = "tutor-session-id";
const HISTORY_KEY = "tutor-history";
const SHOWN_KEY = "tutor-shown-results";
const LESSON_KEY = "tutor-lesson";
export const MAX_RECORDS = 200;

function read(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode): the page still works, without history
  }
}

function write(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

function newId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// The only ids the socket.io channel accepts (bot/identity.py WEB_ID, bot/input_guard.py).
const WEB_ID = /^[0-9a-f]{32}$/;

export function sessionId() {
  let id = read(SESSION_KEY);
  if (!id || !WEB_ID.test(id)) {
    id = newId();
    write(SESSION_KEY, id);
  }
  return id;
}

export function setSessionId(id) {
  if (id && WEB_ID.test(id)) write(SESSION_KEY, id);
}

export function loadHistory() {
  try {
    const records = JSON.parse(read(HISTORY_KEY) || "[]");
    return Array.isArray(records) ? records : [];
  } catch {
    return [];
  }
}

let records = null;

/** Append a record; a progress record replaces the previous progress of the same job. */
export function remember(record) {
  records = records || loadHistory();
  if (record.kind === "bot" && record.msg && record.msg.type === "progress") {
    records = records.filter((r) => !(r.kind === "bot" && r.msg && r.msg.type === "progress"
                                      && r.msg.job_id === record.msg.job_id));
  }
  records.push(record);
  if (records.length > MAX_RECORDS) records = records.slice(-MAX_RECORDS);
  // A full storage quota drops the oldest half rather than the newest message.
  while (!write(HISTORY_KEY, JSON.stringify(records)) && records.length > 1) {
    records = records.slice(Math.ceil(records.length / 2));
  }
}

// Results this browser has shown ({job_id, receipt}), so a result pushed again (the server
// re-sends until the widget's acknowledgement arrives) is never shown twice.
let shown = null;

function shownResults() {
  if (shown === null) {
    try {
      const list = JSON.parse(read(SHOWN_KEY) || "[]");
      shown = Array.isArray(list) ? list : [];
    } catch {
      shown = [];
    }
  }
  return shown;
}

export function resultShown({ jobId, receipt }) {
  return shownResults().some((r) => (jobId !== undefined && r.job_id === jobId)
                                    || (receipt !== undefined && r.receipt === receipt));
}

export function rememberShown(jobId, receipt) {
  if (resultShown({ jobId })) return;
  shown = [...shownResults(), { job_id: jobId, receipt }].slice(-MAX_RECORDS);
  write(SHOWN_KEY, JSON.stringify(shown));
}

/** The last lesson state payload (the chip), or null. */
export function lessonState() {
  try {
    const state = JSON.parse(read(LESSON_KEY) || "null");
    return state && typeof state === "object" ? state : null;
  } catch {
    return null;
  }
}

export function rememberLesson(state) {
  write(LESSON_KEY, state ? JSON.stringify(state) : null);
}

/** "New conversation": forget the transcript on this screen. The session id (the learner) and
 *  the results already shown stay, so models, runs and lessons carry on. */
export function clearTranscript() {
  records = [];
  write(HISTORY_KEY, null);
}
