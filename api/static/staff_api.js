// The staff page's one way to call the /staff API: the tab's staff token as a Bearer header,
// JSON in and out, and errors as exceptions whose message a person can read. Every section
// (staff.js, the lesson studio, staff_inbox.js) imports this module instead of calling fetch.
//
//   import { api } from "./staff_api.js";
//   const groups = await api.get("/staff/unanswered");
//   await api.post("/staff/answers", { text: "..." });
//   try { ... } catch (err) { if (err instanceof ApiError && err.status === 409) ... }

export const TOKEN_KEY = "tutor-staff-token";

/** The token was refused (401): the page signs out and asks again. */
export class TokenRefused extends Error {
  constructor() {
    super("The staff token was not accepted (revoked or mistyped).");
    this.status = 401;
  }
}

/** Any other failed call: `status`, a readable `message` and the parsed `body` (or null). */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export const token = () => sessionStorage.getItem(TOKEN_KEY);

/** FastAPI's `detail`: a string, {"message": ...} or a list of validation errors. */
function readable(path, status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (detail && typeof detail.message === "string") return detail.message;
  if (Array.isArray(detail) && detail.length && detail[0].msg) return detail.map((d) => d.msg).join("; ");
  return `${path}: HTTP ${status}`;
}

/**
 * One call. `body` that is a string is sent as-is with `contentType` (YAML for lessons);
 * anything else is sent as JSON. `headers` adds headers (If-Match for a lesson publish).
 * Returns the parsed JSON (null for 204), or `{ body, headers }` when `withHeaders` is set.
 */
export async function request(method, path, { body, contentType, headers = {}, withHeaders = false } = {}) {
  const init = { method, cache: "no-store", headers: { Authorization: `Bearer ${token()}`, ...headers } };
  if (body !== undefined) {
    if (typeof body === "string") {
      init.body = body;
      init.headers["Content-Type"] = contentType || "text/plain";
    } else {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
  }
  const response = await fetch(path, init);
  if (response.status === 401) throw new TokenRefused();
  let parsed = null;
  if (response.status !== 204) {
    try { parsed = await response.json(); } catch { parsed = null; }
  }
  if (!response.ok) throw new ApiError(response.status, readable(path, response.status, parsed), parsed);
  return withHeaders ? { body: parsed, headers: response.headers } : parsed;
}

export const api = {
  get: (path, opts) => request("GET", path, opts),
  post: (path, body, opts = {}) => request("POST", path, { ...opts, body }),
  put: (path, body, opts = {}) => request("PUT", path, { ...opts, body }),
  delete: (path, opts) => request("DELETE", path, opts),
};
