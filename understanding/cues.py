"""What a request names besides its verb: where the model should run, or a trained model to
start from. The router adds a little to the export or to transfer learning for each
(router.PLATFORM_BONUS, REUSE_BONUS); patterns are linear."""

import re

# A request naming where a model should run (a phone, a browser, node.js) asks for the export,
# even when it also names the model ("I need the neuron in node.js").
PLATFORM = re.compile(r"\b(?:phones?|android|ios|iphone|mobile|browsers?|node(?:\.?js)?|web ?pages?|"
                      r"microcontrollers?|raspberry pi|edge devices?|on[- ]device|tflite|tf\.?js|litert|"
                      r"web ?sites?|web[- ]?apps?|web[- ]deployable|client[- ]side|react|javascript|"
                      r"model\.json)\b", re.I)

# ... and more when nothing in it asks for a training: "put the review classifier on my website"
# names the model (0.88 to its training) only to say which one goes to the site (0.64).
TRAINING_WORDS = re.compile(r"\b(?:train|trian|teach|fit|retrain|learn|build|from scratch)\b", re.I)
# A request naming a trained model to start from ("use somebody else's trained vision model for
# my bird photos", "fine-tune a pre-trained convnet") asks for transfer learning, not a CNN from zero.
REUSE = re.compile(r"\b(?:pre-?trained|pretrianed|already[- ]trained|(?:some(?:one|body)|some(?:one|body) ?elses|"
                   r"some(?:one|body)'s|another) (?:else'?s )?(?:trained|existing)|imagenet|mobilenet|inception|"
                   r"efficientnet|resnet|vgg\d*|hub modules?|fine-?tun\w*|transfer learning)\b", re.I)
