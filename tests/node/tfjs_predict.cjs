// Load a TF.js layers model from disk with the pure-JS @tensorflow/tfjs package (as a browser
// would, from model.json plus weight shards) and predict a batch of rows of any shape and dtype.
// Usage: node tfjs_predict.cjs <model_dir> <rows.json>   (NODE_PATH=web/node_modules)
// rows.json: {"shape": [n, ...], "dtype": "float32" | "int32", "data": [flat values]}
// Prints {"shape": [...], "data": [flat outputs]} as one JSON line.
const fs = require("fs");
const path = require("path");
const tf = require("@tensorflow/tfjs");

async function main() {
  const [dir, rowsFile] = process.argv.slice(2);
  const modelJson = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData,
  }));
  const rows = JSON.parse(fs.readFileSync(rowsFile, "utf8"));
  const out = model.predict(tf.tensor(rows.data, rows.shape, rows.dtype));
  console.log(JSON.stringify({ shape: out.shape, data: Array.from(await out.data()) }));
}

main().catch((err) => { console.error(err); process.exit(1); });
