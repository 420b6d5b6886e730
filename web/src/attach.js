// The learner's own data (issue 17): an attach button beside the message box and drag-and-drop
// anywhere on the page. The file goes to POST /chat/uploads as the request body, with the
// session id (the learner, D33) and the file's name in headers; the server reads the kind from
// the bytes and answers the summary and the chat message that asks for the training
// (/train_on_upload{"upload": "<id>"}), or the refusal in words (api/routes/uploads.py).
import "./attach.css";

export const MAX_FILE_BYTES = 20 * 1024 * 1024; // uploads/contract.py MAX_FILE_BYTES
const ACCEPT = ".csv,.tsv,.txt,.jsonl,.json,.zip,text/csv,text/tab-separated-values,application/zip";
const TOO_BIG = (mb) => `This file is ${mb.toFixed(1)} MB; I take files of at most 20 MB.`;
const UNREACHABLE = "I couldn't upload that file just now: the server didn't answer. Please try again.";

/** Send one file; resolves {ok: true, body} or {ok: false, text}. Never throws. */
export async function upload(file, sessionId) {
  if (file.size > MAX_FILE_BYTES) return { ok: false, text: TOO_BIG(file.size / 1024 / 1024) };
  let response;
  try {
    response = await fetch("/chat/uploads", {
      method: "POST",
      headers: {
        "Content-Type": "application/octet-stream",
        "X-Tutor-Session": sessionId,
        "X-Upload-Name": encodeURIComponent(file.name),
      },
      body: file,
    });
  } catch {
    return { ok: false, text: UNREACHABLE };
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok && body.message) return { ok: true, body };
  return { ok: false, text: typeof body.detail === "string" ? body.detail : UNREACHABLE };
}

/** The attach button (added to `form`) and page-wide drag-and-drop; calls `onStart(name)` when a
 *  file is picked, then `onUploaded(name, body)` or `onRefused(name, text)`. */
export function createAttach(form, dropZone, { sessionId, onStart, onUploaded, onRefused }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "attach";
  button.setAttribute("aria-label", "Attach a file to train on");
  button.title = "Attach a CSV/TSV series, labelled texts, or a ZIP of images (up to 20 MB)";
  button.textContent = "📎";
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ACCEPT;
  input.hidden = true;
  input.id = "attach-file";
  form.prepend(button, input);

  let busy = false;
  async function take(file) {
    if (!file || busy) return;
    busy = true;
    button.disabled = true;
    onStart(file.name);
    const sent = await upload(file, sessionId());
    busy = false;
    button.disabled = false;
    if (sent.ok) onUploaded(file.name, sent.body);
    else onRefused(file.name, sent.text);
  }

  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const [file] = input.files;
    input.value = ""; // the same file can be picked again
    take(file);
  });

  const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
  dropZone.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dropZone.classList.add("dropping");
  });
  dropZone.addEventListener("dragleave", (event) => {
    if (event.target === dropZone || !dropZone.contains(event.relatedTarget)) dropZone.classList.remove("dropping");
  });
  dropZone.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dropZone.classList.remove("dropping");
    take(event.dataTransfer.files[0]);
  });
  return { take };
}
