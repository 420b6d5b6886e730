// Completion for lesson YAML from lessons/lesson.schema.json (the schema `make lessons-check`
// is generated with): field names with their descriptions, and the allowed values of fields
// that have a fixed set (type, kind, skill, op, booleans).
//
// Hand-written rather than codemirror-json-schema: that package pulls in shiki and markdown-it
// (megabytes) for hover docs the page does not need; reading keys and enums out of the schema is
// the few lines below. Context is by indentation: at column 0 the lesson's own fields, deeper
// the fields of steps, options and conditions. The validator still has the last word.

/** { top: [{label, info}], nested: [{label, info}], values: {field: [values]} } */
export function schemaVocabulary(schema) {
  const info = (prop) => prop.description || prop.title || "";
  const top = Object.entries(schema.properties || {}).map(([label, prop]) => ({ label, info: info(prop) }));
  const nested = new Map();
  const values = {};
  const addValue = (field, value) => {
    values[field] = values[field] || [];
    if (!values[field].includes(value)) values[field].push(value);
  };
  for (const [defName, def] of Object.entries(schema.$defs || {})) {
    for (const [label, prop] of Object.entries(def.properties || {})) {
      if (!nested.has(label)) nested.set(label, { label, info: info(prop) || defName });
      if (prop.const !== undefined) addValue(label, String(prop.const));
      for (const value of prop.enum || []) addValue(label, String(value));
      if (prop.type === "boolean") { addValue(label, "true"); addValue(label, "false"); }
    }
  }
  return { top, nested: [...nested.values()], values };
}

/** A CodeMirror completion source over the vocabulary. */
export function lessonCompletions(schema) {
  const vocab = schemaVocabulary(schema);
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const value = /^(\s*(?:-\s+)?)([A-Za-z_]+):\s*([\w>=<-]*)$/.exec(before);
    if (value) {
      const options = vocab.values[value[2]];
      if (!options) return null;
      return { from: context.pos - value[3].length,
               options: options.map((label) => ({ label, type: "enum", detail: value[2] })), validFor: /^[\w>=<-]*$/ };
    }
    const key = /^(\s*)(-\s+)?(\{\s*)?([A-Za-z_]*)$/.exec(before);
    if (!key || (!key[4] && !context.explicit)) return null;
    const atTop = key[1].length === 0 && !key[2] && !key[3];
    const fields = atTop ? vocab.top : vocab.nested;
    return {
      from: context.pos - key[4].length,
      options: fields.map(({ label, info }) => ({ label, type: "property", info, apply: `${label}: ` })),
      validFor: /^[A-Za-z_]*$/,
    };
  };
}
