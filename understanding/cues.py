"""What a request names besides its verb: where the model should run, or a trained model to
start from. The router adds a little to the export or to transfer learning for each
(router.PLATFORM_BONUS, REUSE_BONUS); patterns are linear."""

import re

# A request naming where a model should run (a phone, a browser, node.js) asks for the export,
# even when it also names the model ("I need the neuron in node.js").
PLACES = (r"phones?|android|ios|iphone|mobile|browsers?|node(?:\.?js)?|web ?pages?|"
          r"microcontrollers?|raspberry pi|edge devices?|on[- ]device|tflite|tf\.?js|litert|"
          r"web ?sites?|web[- ]?apps?|web[- ]deployable|client[- ]side|react|javascript|model\.json")
# The platform as where the model goes ("on my phone", "ready for android", "into a web page"), or
# a format or runtime named outright; "my phone company charged me a fee" names a phone, not a target.
FORMAT = re.compile(r"\b(?:tflite|tf\.?js|litert|model\.json|node\.?js|on[- ]device|"
                    r"client[- ]side|web[- ]deployable)\b", re.I)
DESTINATION = re.compile(rf"\b(?:on|onto|in|into|for|to|inside|within|across|ready|deploy\w*|ship\w*|port\w*|"
                         rf"run\w*|put|get)\s+(?:[\w'-]+\s+){{0,3}}?(?:{PLACES})\b", re.I)


def names_platform(text: str) -> bool:
    """Whether a request says where its model should run (the export's cue)."""
    return bool(FORMAT.search(text) or DESTINATION.search(text[:400]))


# A platform favours the export more when nothing in the request asks for a training: "put the
# review classifier on my website" names the model (0.88 to its training) only to say which one
# goes to the site (0.64).
TRAINING_WORDS = re.compile(r"\b(?:train|trian|teach|fit|retrain|learn|build|from scratch)\b", re.I)
# A request naming a trained model to start from ("use somebody else's trained vision model for
# my bird photos", "fine-tune a pre-trained convnet") asks for transfer learning, not a CNN from zero.
REUSE = re.compile(r"\b(?:pre-?trained|pretrianed|already[- ]trained|(?:some(?:one|body)|some(?:one|body) ?elses|"
                   r"some(?:one|body)'s|another) (?:else'?s )?(?:trained|existing)|imagenet|mobilenet|inception|"
                   r"efficientnet|resnet|vgg\d*|hub modules?|fine-?tun\w*|transfer learning)\b", re.I)
# "have I finished the nlp lesson yet?", "did I ever do the time series part?": the learner's own
# record asked about, which the progress command shows, not the lesson itself nor its training.
OWN_RECORD = re.compile(r"\b(?:have|did|had)\s+i\s+(?:ever\s+|already\s+|actually\s+|even\s+|really\s+)?"
                        r"(?:finish|complet|do|done|pass|cover|go through|gone through|get through|got through)\w*"
                        r"\s+(?:[\w'-]+\s+){0,4}?(?:lessons?|parts?|chapters?|sections?|modules?|units?|"
                        r"course|quiz(?:zes)?|exercises?)\b", re.I)


def asks_own_record(text: str) -> bool:
    """Whether the learner asks whether they have done a part of the course (progress's cue)."""
    return bool(OWN_RECORD.search(text[:300]))
