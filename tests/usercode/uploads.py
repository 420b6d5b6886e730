"""A learner's image upload in the normalised layout (uploads/contract.py), made for tests: one
colour per class, so a small model can learn it in a couple of epochs."""

import json
from pathlib import Path

import numpy as np
from PIL import Image

from uploads import contract

COLOURS = {"red": (200, 30, 30), "green": (30, 180, 40), "blue": (30, 40, 200)}


def write_images(var_dir: Path, learner_public_id: str, upload: str = "up1", per_class: int = 15) -> Path:
    folder = contract.upload_dir(var_dir, learner_public_id, upload)
    rng = np.random.default_rng(0)
    for name, colour in COLOURS.items():
        (folder / contract.IMAGES_DIR / name).mkdir(parents=True)
        for n in range(per_class):
            pixels = np.clip(np.array(colour) + rng.integers(-25, 25, (20, 20, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels, "RGB").save(folder / contract.IMAGES_DIR / name / f"{n}.png")
    (folder / contract.META_FILE).write_text(json.dumps(
        {"classes": dict.fromkeys(COLOURS, per_class), "size": [20, 20]}))
    return folder
