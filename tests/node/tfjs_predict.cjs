// Load a TF.js layers model from disk with the pure-JS @tensorflow/tfjs package (as a browser
// would, from model.json plus weight shards) and print its predictions for the given xs as JSON.
// Usage: node tfjs_predict.cjs <model_dir> <x> [<x> ...]   (NODE_PATH=web/node_modules)
const fs = require("fs");
const path = require("path");
const tf = require("@tensorflow/tfjs");

async function main() {
  const [dir, ...xs] = process.argv.slice(2);
  const modelJson = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData,
  }));
  const out = model.predict(tf.tensor2d(xs.map(Number), [xs.length, 1]));
  console.log(JSON.stringify(Array.from(await out.data())));
}

main().catch((err) => { console.error(err); process.exit(1); });
