// Tutor's web chat: entry point. Wires the page (index.html) to Rasa's socket.io channel
// (socket.js), the renderers (render.js) and the stored transcript (store.js).
import "./styles.css";
import { connect } from "./socket.js";
import { createRenderer } from "./render.js";
import { createLightbox } from "./lightbox.js";
import { createDelivery } from "./delivery.js";
import { createComposer } from "./composer.js";
import { createAttach } from "./attach.js";
import { createLessonChip } from "./lesson_chip.js";
import { WELCOME } from "./welcome.js";
import * as store from "./store.js";

const TYPING_TIMEOUT_MS = 20000;

const config = window.TUTOR_CONFIG || {};
const scroller = document.getElementById("scroller");
const log = document.getElementById("log");
const typing = document.getElementById("typing");
const banner = document.getElementById("connection");
const newConversation = document.getElementById("new-conversation");
const confirmNew = document.getElementById("confirm-new");
const lessonChip = createLessonChip(document.getElementById("lesson-status"));

// Follow new messages while the learner is at the bottom; stop when they scroll up to read.
// Scroll events caused by our own scrolling (or by content growing under it) are ignored.
let stickToBottom = true;
let scrolledAt = 0;
scroller.addEventListener("scroll", () => {
  if (performance.now() - scrolledAt < 250) return;
  stickToBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
});
function toBottom(force = false) {
  if (force) stickToBottom = true;
  if (!stickToBottom) return;
  scrolledAt = performance.now();
  scroller.scrollTop = scroller.scrollHeight;
}
// Plots load after their bubble is added: keep following as the transcript grows.
if (window.ResizeObserver) new ResizeObserver(() => toBottom()).observe(log);

let typingTimer = null;
function setTyping(on) {
  clearTimeout(typingTimer);
  typing.hidden = !on;
  if (on) {
    typingTimer = setTimeout(() => {
      setTyping(false);
      renderer.release(); // no reply came: a clicked button must not stay off for good
    }, TYPING_TIMEOUT_MS);
    toBottom(true);
  }
}

const openImage = createLightbox(document.getElementById("lightbox"));

const renderer = createRenderer(log, {
  onButton: (payload, title) => send(payload, title),
  onImage: openImage,
  onAdded: () => toBottom(),
});

const delivery = createDelivery();

/** Render a bot message (live or from the stored transcript); true if it belongs in the transcript. */
function showBot(msg) {
  if (msg.type === "lesson") {
    lessonChip.show(msg);
    store.rememberLesson(msg);
    return false;
  }
  return renderer.bot(msg);
}

/** An empty transcript (first visit, New conversation) starts with the welcome. */
function welcome() {
  if (showBot(WELCOME)) store.remember({ kind: "bot", msg: WELCOME });
}

const chat = connect(config.socketUrl, {
  getSessionId: store.sessionId,
  onConfirm: (id) => {
    store.setSessionId(id);
    delivery.askOwed({ force: true }); // results pushed while this page was away
  },
  onMessage: (msg) => {
    setTyping(false);
    if (msg.type !== "progress") renderer.release(); // the reply: clicked buttons work again
    if (!delivery.duplicate(msg) && showBot(msg)) store.remember({ kind: "bot", msg });
    delivery.handled(msg);
  },
  onStatus: (state) => {
    banner.hidden = state === "connected";
    banner.textContent = state === "connected" ? "" : "Reconnecting…";
    document.body.dataset.connection = state;
  },
});

function send(message, shown = message) {
  renderer.user(shown);
  store.remember({ kind: "user", text: shown });
  toBottom(true);
  setTyping(true);
  chat.send(message);
  delivery.askOwed();
}

const composer = createComposer(document.getElementById("send"), document.getElementById("text"),
                                (text) => send(text));

// The learner's own data (attach.js): the file's name shows as their message; the server's
// summary comes back from the training action, a refusal right away.
createAttach(document.getElementById("send"), document.querySelector(".app"), {
  sessionId: store.sessionId,
  onStart: () => setTyping(true),
  onUploaded: (name, body) => send(body.message, `📎 ${name}`),
  onRefused: (name, text) => {
    renderer.user(`📎 ${name}`);
    store.remember({ kind: "user", text: `📎 ${name}` });
    setTyping(false);
    const msg = { text };
    if (showBot(msg)) store.remember({ kind: "bot", msg });
  },
});

// "New conversation" clears this screen only: the session id is the learner (store.js), so models,
// runs and lessons stay, and the conversation goes on in the same Rasa session (D33).
newConversation.addEventListener("click", () => confirmNew.showModal());
// On the submit (not the dialog's later "close" event), so the screen is cleared on the click.
confirmNew.querySelector("form").addEventListener("submit", (event) => {
  if (!event.submitter || event.submitter.value !== "clear") return;
  store.clearTranscript();
  renderer.clear();
  setTyping(false);
  welcome();
  toBottom(true);
  composer.focus();
});

// The transcript of this browser's session, as it was rendered before the reload.
const history = store.loadHistory();
for (const record of history) {
  if (record.kind === "user") renderer.user(record.text);
  else if (record.kind === "bot" && record.msg) showBot(record.msg);
}
if (!history.length) welcome();
lessonChip.show(store.lessonState()); // the lesson goes on after a reload
toBottom(true);
document.body.dataset.ready = "true";
