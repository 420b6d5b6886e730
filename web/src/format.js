// Small pure formatters for numbers, sizes and metric names (shared by the renderers).

export function humanSize(bytes) {
  if (typeof bytes !== "number" || !isFinite(bytes) || bytes < 0) return "";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatNumber(value) {
  if (typeof value !== "number") return String(value);
  if (!isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

export function formatValue(value) {
  if (Array.isArray(value)) {
    if (value.length <= 6) return value.map(formatValue).join(", ");
    const numbers = value.filter((v) => typeof v === "number");
    if (numbers.length === value.length) {
      return `${value.length} values, ${formatNumber(Math.min(...numbers))} to ${formatNumber(Math.max(...numbers))}`;
    }
    return `${value.length} values`;
  }
  if (value && typeof value === "object") {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return formatNumber(value);
}

export function label(key) {
  const text = String(key).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Metric rows for a table: scalar metrics one per row, per-class families
 * (accuracy_class_0 ... accuracy_class_9) folded into one compact row.
 */
export function metricRows(metrics) {
  const rows = [];
  const families = new Map();
  for (const [key, value] of Object.entries(metrics || {})) {
    const m = /^(.+)_class_(.+)$/.exec(key);
    if (m) {
      if (!families.has(m[1])) {
        families.set(m[1], []);
        rows.push({ key: `${m[1]}_per_class`, family: m[1] });
      }
      families.get(m[1]).push(`${m[2]}: ${formatValue(value)}`);
    } else {
      rows.push({ key, value: formatValue(value) });
    }
  }
  return rows.map((row) => (row.family
    ? { label: label(`${row.family} per class`), value: families.get(row.family).join(" · "), compact: true }
    : { label: label(row.key), value: row.value, compact: false }));
}

const HIDDEN_KINDS = new Set(["plot", "validation-data"]);

// A kind not worth its own card beside a fuller download (a bare model.json beside the TF.js zip).
const HIDDEN_BY = { tfjs: "tfjs-zip" };

/** Artifacts worth a download card: not plots (shown inline), validation data or parts. */
export function downloadable(artifacts) {
  const kinds = new Set((artifacts || []).map((a) => a && a.kind));
  return (artifacts || []).filter((a) => a && a.url && !HIDDEN_KINDS.has(a.kind)
                                         && !String(a.kind || "").endsWith("-part")
                                         && !kinds.has(HIDDEN_BY[a.kind]));
}

const KIND_LABELS = {
  tflite: "TFLite model",
  tfjs: "TF.js model",
  "tfjs-page": "TF.js web page (opens here)",
  "tfjs-zip": "TF.js folder (.zip)",
  model: "Keras model",
  serving: "TF Serving SavedModel",
  data: "Data file",
};

export function kindLabel(kind) {
  return KIND_LABELS[kind] || label(kind || "file");
}

export function fileName(artifact) {
  if (artifact.name) return String(artifact.name).split("/").pop();
  try {
    return new URL(artifact.url, window.location.href).pathname.split("/").pop();
  } catch {
    return "download";
  }
}

/** http(s) or same-site URLs only: a payload can never smuggle in javascript: links. */
export function safeUrl(url) {
  try {
    const parsed = new URL(String(url), window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A file name cut after each separator (_ . - /): the only places it may wrap. */
export function nameParts(name) {
  return String(name).split(/(?<=[_.\-/])/).filter(Boolean);
}

// What a line of pasted Python, a Keras log or a traceback looks like.
const TRACEBACK = /Traceback \(most recent call last\)|^\s*File ".*", line \d+/m;
const ERROR_LINE = /^\s*[\w.]*(?:Error|Exception|Warning)\b:?/;
const CODE_LINE = [
  /^(?: {2,}|\t)\S/, // indented
  /^\s*(?:import|from|def|class|return|for|while|if|elif|else|try|except|with|print|@)\b/,
  /^\s*[\w.[\]]+\s*[+\-*/]?=\s*\S/, // an assignment
  /^\s*[\w.]+\(.*\)[,:;]?\s*$/, // a call
  /[;{}]\s*$/,
  /^\s*(?:>>>|\$ |Epoch \d+\/\d+|\d+\/\d+ \[=*)/, // a prompt or a training log
];

/** True when a learner's message is pasted code, an error or a traceback: it is shown monospaced. */
export function looksLikeCode(text) {
  const value = String(text ?? "");
  if (TRACEBACK.test(value)) return true;
  const lines = value.split("\n").filter((line) => line.trim());
  if (lines.length === 1) return ERROR_LINE.test(lines[0]) && lines[0].length > 20;
  const code = lines.filter((line) => ERROR_LINE.test(line) || CODE_LINE.some((re) => re.test(line)));
  return lines.length > 1 && code.length * 2 >= lines.length;
}
