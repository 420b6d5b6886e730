// The element builder is the staff page's own (api/static/dom.js, served as it is there),
// bundled into the studio from that one file.
export { el } from "../../../api/static/dom.js";

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
