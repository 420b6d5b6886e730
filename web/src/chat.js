// Tutor's web chat: entry point. Wires the page (index.html) to Rasa's socket.io channel
// (socket.js), the renderers (render.js) and the stored transcript (store.js).
import "./styles.css";
import { connect } from "./socket.js";
import { createRenderer } from "./render.js";
import { createLightbox } from "./lightbox.js";
import { createDelivery } from "./delivery.js";
import * as store from "./store.js";

const TYPING_TIMEOUT_MS = 20000;

const config = window.TUTOR_CONFIG || {};
const scroller = document.getElementById("scroller");
const log = document.getElementById("log");
const form = document.getElementById("send");
const input = document.getElementById("text");
const typing = document.getElementById("typing");
const banner = document.getElementById("connection");
const newConversation = document.getElementById("new-conversation");

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
    typingTimer = setTimeout(() => setTyping(false), TYPING_TIMEOUT_MS);
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

const chat = connect(config.socketUrl, {
  getSessionId: store.sessionId,
  onConfirm: (id) => {
    store.setSessionId(id);
    delivery.askOwed({ force: true }); // results pushed while this page was away
  },
  onMessage: (msg) => {
    setTyping(false);
    if (!delivery.duplicate(msg) && renderer.bot(msg)) store.remember({ kind: "bot", msg });
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

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send(text);
});

newConversation.addEventListener("click", () => {
  store.resetSession();
  renderer.clear();
  setTyping(false);
  chat.restart();
  input.focus();
});

// The transcript of this browser's session, as it was rendered before the reload.
for (const record of store.loadHistory()) {
  if (record.kind === "user") renderer.user(record.text);
  else if (record.kind === "bot" && record.msg) renderer.bot(record.msg);
}
toBottom(true);
document.body.dataset.ready = "true";
