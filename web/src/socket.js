// Rasa's socket.io channel. Long-polling only: the websocket transport is broken under Rasa 3.6
// on Python 3.11 (docs/decisions.md, D18). session_persistence: every (re)connection asks for
// the stored session id, and messages wait until Rasa has confirmed it (joined its room).
import { io } from "socket.io-client";

export function connect(url, { getSessionId, onConfirm, onMessage, onStatus }) {
  const socket = io(url, {
    transports: ["polling"],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let confirmed = false;
  const pending = [];

  const flush = () => {
    while (confirmed && pending.length) socket.emit("user_uttered", pending.shift());
  };

  socket.on("connect", () => {
    onStatus("connected");
    socket.emit("session_request", { session_id: getSessionId() });
  });
  socket.on("session_confirm", (id) => {
    confirmed = true;
    onConfirm(typeof id === "string" ? id : id && id.session_id);
    flush();
  });
  socket.on("disconnect", () => {
    confirmed = false;
    onStatus("reconnecting");
  });
  socket.io.on("reconnect_attempt", () => onStatus("reconnecting"));
  socket.on("connect_error", () => onStatus("reconnecting"));
  socket.on("bot_uttered", (msg) => onMessage(msg || {}));

  return {
    send(message) {
      pending.push({ message, session_id: getSessionId() });
      flush();
    },
  };
}
