// Minimal Tutor chat: text, images, links and buttons over Rasa's socket.io channel.
// Long-polling only: the websocket transport is broken under Rasa 3.6 on Python 3.11.
import { io } from "socket.io-client";

const SESSION_KEY = "tutor-session-id";
const log = document.getElementById("log");
const input = document.getElementById("text");

function add(className, node) {
  const div = document.createElement("div");
  div.className = `msg ${className}`;
  div.appendChild(node);
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}

// Markdown links [label](url) become anchors; everything else stays text (no HTML injection).
function linkify(text) {
  const frag = document.createDocumentFragment();
  const re = /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    frag.appendChild(document.createTextNode(text.slice(last, m.index)));
    const a = document.createElement("a");
    a.href = m[2];
    a.textContent = m[1];
    a.target = "_blank";
    a.rel = "noopener";
    frag.appendChild(a);
    last = m.index + m[0].length;
  }
  frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}

const socket = io(window.TUTOR_CONFIG.socketUrl, { transports: ["polling"] });

function send(text, shown = text) {
  add("user", document.createTextNode(shown));
  socket.emit("user_uttered", { message: text, session_id: sessionStorage.getItem(SESSION_KEY) });
}

socket.on("connect", () => {
  socket.emit("session_request", { session_id: sessionStorage.getItem(SESSION_KEY) });
});
socket.on("session_confirm", (sessionId) => sessionStorage.setItem(SESSION_KEY, sessionId));

socket.on("bot_uttered", (msg) => {
  if (msg.text) add("bot", linkify(msg.text));
  if (msg.attachment && msg.attachment.type === "image") {
    const img = document.createElement("img");
    img.src = msg.attachment.payload.src;
    img.alt = "Plot from your training";
    add("bot", img);
  }
  if (msg.quick_replies || msg.buttons) {
    const row = document.createElement("div");
    for (const b of msg.quick_replies || msg.buttons) {
      const btn = document.createElement("button");
      btn.textContent = b.title;
      btn.addEventListener("click", () => send(b.payload, b.title));
      row.appendChild(btn);
    }
    add("bot", row);
  }
});

document.getElementById("send").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (text) send(text);
  input.value = "";
});
