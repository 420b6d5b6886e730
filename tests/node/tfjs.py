"""Predict with a TF.js layers model in Node's pure-JS @tensorflow/tfjs, as a browser would."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
NODE_ENV = {**os.environ, "NODE_PATH": str(ROOT / "web" / "node_modules")}


def tfjs_predict(model_json: Path, rows: np.ndarray, tmp_path: Path) -> np.ndarray:
    rows_file = tmp_path / "rows.json"
    dtype = "int32" if np.issubdtype(rows.dtype, np.integer) else "float32"
    rows_file.write_text(json.dumps({"shape": list(rows.shape), "dtype": dtype,
                                     "data": rows.reshape(-1).tolist()}))
    out = subprocess.run(["node", str(ROOT / "tests/node/tfjs_predict.cjs"), str(model_json.parent),
                          str(rows_file)], capture_output=True, text=True, check=True, timeout=120, env=NODE_ENV)
    reply = json.loads(out.stdout.strip().splitlines()[-1])
    return np.array(reply["data"], np.float32).reshape(reply["shape"])
