// Enlarged plot in a modal <dialog>: Escape (native), the close button or a click outside closes it.
export function createLightbox(dialog) {
  const img = dialog.querySelector("img");
  const caption = dialog.querySelector("figcaption");
  let opener = null;

  dialog.addEventListener("click", (event) => {
    if (event.target === dialog || event.target.closest("[data-close]")) dialog.close();
  });
  dialog.addEventListener("close", () => {
    img.removeAttribute("src");
    if (opener) opener.focus();
    opener = null;
  });

  return function open(src, alt, from) {
    opener = from || null;
    img.src = src;
    img.alt = alt;
    caption.textContent = alt;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  };
}
