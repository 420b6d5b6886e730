// The message box: a textarea, so pasted code and tracebacks keep their line breaks. Enter sends,
// Shift+Enter adds a new line (and Enter while an input method is composing is left to it); the
// box grows with its text up to a max height (styles.css), then scrolls.

/** What a message box's text is sent as: a line trimmed; pasted lines keep their line breaks and
 *  the first line's indentation, without the blank lines around them. Empty: nothing to send. */
export function messageText(value) {
  const text = String(value).replace(/^(?:[ \t]*\n)+/, "").replace(/\s+$/, "");
  return text.includes("\n") ? text : text.trim();
}

export function createComposer(form, input, onSend) {
  function fit() {
    input.style.height = "auto";
    const max = parseFloat(getComputedStyle(input).maxHeight) || Infinity;
    const height = Math.min(input.scrollHeight + input.offsetHeight - input.clientHeight, max);
    input.style.height = `${height}px`;
    input.style.overflowY = input.scrollHeight > input.clientHeight ? "auto" : "hidden";
  }

  input.addEventListener("input", fit);
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = messageText(input.value);
    if (!text.trim()) return;
    input.value = "";
    fit();
    onSend(text);
  });
  fit();
  return { focus: () => input.focus() };
}
