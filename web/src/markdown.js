// Bot text is markdown (links, **bold**, "- " lists). marked parses it, DOMPurify keeps only safe
// HTML, and every link opens in a new tab without access to this page.
import { Marked } from "marked";
import DOMPurify from "dompurify";

const marked = new Marked({ gfm: true, breaks: true, async: false });

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

const ALLOWED = {
  ALLOWED_TAGS: ["a", "b", "strong", "i", "em", "code", "pre", "p", "br", "ul", "ol", "li",
                 "blockquote", "del", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4"],
  ALLOWED_ATTR: ["href", "title", "target", "rel"],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/|#)/i,
};

/** Safe HTML for a bot's markdown text. */
export function markdownToHtml(text) {
  return DOMPurify.sanitize(marked.parse(String(text ?? "")), ALLOWED);
}
