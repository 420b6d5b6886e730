"""What a pasted message holds: the error lines of a traceback, or a code fragment.

Coders paste first and ask second. A traceback's meaning is in its last "SomethingError: ..."
line, and the numbers in it (shapes, sizes, layer names) differ from one learner to the next, so
they are replaced by placeholders before matching. Every pattern here is linear: no nested or
overlapping repeats, and lines are cut to a bounded length before any regex sees them.
"""

import re

MAX_LINE = 400
# Searched in lines cut to MAX_LINE, so the scan stays bounded however long the message is.
ERROR = re.compile(r"\b((?:[A-Z]\w{0,60})?(?:Error|Exception|Exhausted|Unimplemented)\w{0,20}|WARNING)\s*:\s*(.*)$")
# A server's JSON error body (TF Serving's REST API, a web backend): {"error": "Servable not found
# for request: Latest(m)"} is as much a pasted error as a Python one, though it names no XxxError.
JSON_ERROR = re.compile(r"""["']error["']\s*:\s*["']([^"'\n]{1,300})["']""", re.I)
ERROR_WORDS = re.compile(r"\b(?:error|exception|traceback)\b", re.I)
CODE_LINE = re.compile(
    r"^\s*(?:(?:from|import)\s+\w|def\s+\w|class\s+\w|for\s+\w|if\s+\w|return\b|@\w"
    r"|[\w.\[\]]+\s*[+\-*/]?=[^=]|model\.\w|tf\.\w|keras\.|layers\.\w|np\.\w|\w+\([^()]*[(),])")
# A number on its own varies (shapes, sizes, counts); digits inside a word name a kind of thing
# (conv1d, MaxPooling2D, float32, int64) and stay, as do an ndim's 2, 3 or 4 (which layer wants what).
NUMBER = re.compile(r"(?<![A-Za-z0-9])(?<!ndim=)\d+(?:\.\d+)?")
QUOTED = re.compile(r"['\"`]([^'\"`\n]{1,80})['\"`]")
# A quoted layer or key name ('lstm_1', "conv1d", 'accuracy', 'lr') says which layer or argument
# the error is about: it is kept, without the counter Keras appends to repeated layers.
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]{0,30}(?:_[A-Za-z][A-Za-z0-9]{0,30}){0,4}")
COUNTER = re.compile(r"_\d{1,6}$")
# Keras wraps the real message: "Exception encountered when calling layer 'x' (type Y)." (Keras 2)
# or "... when calling Sequential.call()." (Keras 3), with the cause on a following line; "in user
# code:" only says a traceback of the compiled function follows.
WRAPPER = re.compile(r"^(?:Exception encountered when calling\b|in user code:?$|$)")
NOT_DETAIL = ("File ", "Traceback", "Call arguments", "\u2022", "raise ", "return ", "^", "~")
PATH = re.compile(r"(?:/[\w.\-]+){2,}")
SPACES = re.compile(r"\s+")


def _lines(text: str) -> list[str]:
    return [line[:MAX_LINE] for line in text.splitlines() if line.strip()]


def error_lines(text: str) -> list[str]:
    """The 'XxxError: message' lines, last first (the last is the one that matters). A wrapper
    line ("ValueError: Exception encountered when calling layer ...") counts by the cause on the
    line after it ("Input 0 of layer "lstm" is incompatible ..."), which TensorFlow prints without
    the error's name; a wrapper with no cause after it is kept as it is."""
    found = []
    lines = _lines(text)
    for n, line in enumerate(lines):
        match = ERROR.search(line.strip())
        if not (match and match.group(1)) or line.lstrip().startswith(("File ", "at ")):
            body = JSON_ERROR.search(line)
            if body:
                found.append(f"error: {body.group(1).strip()}")
            continue
        name, message = match.group(1), match.group(2).strip()
        if WRAPPER.match(message):
            detail = _detail(lines[n + 1:n + 12])
            if detail:
                found.append(f"{name}: {detail}")
                continue
            if message.startswith("in user code") or not message:
                continue
        found.append(f"{name}: {message}".strip())
    return found[::-1]


def _detail(following: list[str]) -> str | None:
    """The cause printed after a wrapper: the next line that is no frame, code or error line."""
    for line in following:
        stripped = line.strip()
        if ERROR.search(stripped):
            return None  # another error line follows: it speaks for itself
        if stripped.startswith(NOT_DETAIL) or CODE_LINE.match(line):
            continue
        return stripped
    return None


def code_lines(text: str) -> list[str]:
    return [line.strip() for line in _lines(text) if CODE_LINE.match(line)]


# An API's own name in pasted code (TFLiteConverter, from_saved_model, pad_sequences,
# loadLayersModel): called, or reached through a dot, with an inner capital or underscore. A
# learner's own variable (train_generator passed to fit) is neither, and says nothing.
API_NAME = re.compile(r"(?:(?<=\.)|\b)([A-Za-z][a-z0-9]*(?:[A-Z_][A-Za-z0-9]*)+)(?=\s*\()"
                      r"|(?<=\.)([A-Za-z][a-z0-9]*(?:[A-Z_][A-Za-z0-9]*)+)\b")
NOT_API = ("Error", "Exception", "Warning")


def api_names(text: str) -> frozenset[str]:
    """The API names in a text's code (lower-cased): what a pasted fragment or traceback calls."""
    names = (m.group(1) or m.group(2) for m in API_NAME.finditer(text[:4 * MAX_LINE]))
    return frozenset(n.lower() for n in names if len(n) >= 6 and not n.endswith(NOT_API))


# A pasted training log ("Epoch 3/10", "1875/1875 [=====] - 3s - loss: nan") reads like an error:
# the learner shows what happened and asks why; it never asks for a run.
TRAINING_LOG = re.compile(r"^\s*Epoch \d{1,6}/\d{1,6}\b|\b\d{1,7}/\d{1,7} \[[=>.]{3,80}\]")


def kind(text: str) -> str | None:
    """"error", "code" or None for a message that is plain words."""
    lines = _lines(text)
    if len(lines) > 1 and sum(bool(TRAINING_LOG.search(line)) for line in lines) >= 2:
        return "error"
    if error_lines(text) or ("Traceback" in text and len(lines) > 1) or (
            len(lines) > 1 and ERROR_WORDS.search(text) and len(code_lines(text)) < len(lines) - 1):
        return "error"
    code = code_lines(text)
    if code and (len(code) >= 2 or len(code) == len(lines) or len(code[0]) > 20):
        return "code"
    return None


# The learner's own sentence inside a command: quoted ('...', "...", “...”), or after a colon or
# an arrow ("is this positive: the battery died"). Bounded spans, no nested repeats.
OWN_TEXT = re.compile(r"['\"“‘`][^'\"”’`\n]{2,300}['\"”’`]|(?::|->|=>)\s*[^\n]{2,400}$")


def frame(text: str) -> str | None:
    """The message with the learner's own quoted or after-colon text taken out ("is this
    positive: …"), so the words of a sentence to classify or tokenize do not decide what Tutor
    does with it. None when nothing was taken out or nothing is left."""
    head = text[:MAX_LINE]
    framed = SPACES.sub(" ", OWN_TEXT.sub(" … ", head)).strip()
    if framed == SPACES.sub(" ", head).strip() or not framed.replace("…", "").split():
        return None
    return framed


def normalise(message: str) -> str:
    """An error message with its specifics replaced: shapes, sizes, names and paths. A JSON
    error body reads as the error line it holds, as error_lines gives it."""
    message = message[:MAX_LINE]
    body = JSON_ERROR.search(message)
    if body and not ERROR.search(message.split('"error"')[0]):
        message = f"error: {body.group(1).strip()}"
    message = PATH.sub(" PATH ", message)
    message = QUOTED.sub(_quoted, message)
    message = NUMBER.sub(" N ", message)
    return SPACES.sub(" ", message).strip()


def _quoted(match: re.Match[str]) -> str:
    name = COUNTER.sub("", match.group(1).strip())
    return f" {name} " if IDENTIFIER.fullmatch(name) else " NAME "


def words(text: str) -> str:
    """The learner's own words around a paste (lines that are neither code nor errors)."""
    errors = set(error_lines(text))
    code = set(code_lines(text))
    keep = [line for line in _lines(text)
            if line.strip() not in code and not any(line.strip().endswith(e[-40:]) for e in errors)
            and not line.lstrip().startswith(("File ", "Traceback", "^", "~"))]
    return " ".join(" ".join(keep).split())[:MAX_LINE]


# What the learner asks about their pasted code (issue 17): a review, or to run it. Read in their
# own words around the code only, so the code's `model.fit` never reads as "fit my model".
RUN_CODE = re.compile(
    r"\b(?:run|train|fit|build|try|execute)\s+(?:(?:my|this|the|that|our|your)\s+)?(?:own\s+)?"
    r"(?:model|code|network|net|cnn|rnn|lstm|it|this|one)\b", re.I)
REVIEW_CODE = re.compile(
    # "review" the verb, not a film review ("what happens to a 120-word review here?")
    r"(?:^|\b(?:please|pls|can\s+you|could\s+you|would\s+you|you|and|then)\s+)review\b|\bcode\s+review\b"
    r"|\breview\s+(?:my|this|the|our)\s+(?:code|model|net\w*|script|notebook|snippet|layers?)\b"
    r"|\bcheck\s+(?:my|this|the|our)\s+(?:code|model|network)|\bwhat'?s\s+wrong|\bwhat\s+is\s+wrong"
    r"|\b(?:does\s*n[o']?t|do\s*n[o']?t|wo\s*n[o']?t|is\s*n[o']?t|ca\s*n[o']?t|not)(?:\s+(?:this|it|my\s+\w{1,20}))?"
    r"\s+(?:work|train|learn|converge)"
    r"|\bwhy\s+(?:does|do|is|will)\s+(?:this|it|my\s+(?:code|model|network))\s+not\b"
    r"|\bany\s+(?:mistakes?|bugs?|errors|issues|problems)\b|\bfind\s+(?:the\s+|my\s+)?(?:bugs?|mistakes?)"
    r"|\bfix\s+(?:my|this)\s+(?:code|model)",
    re.I)
# "is this right?" under a model asks for its review; under a generation loop or a tokenizer call,
# whether that construct is used right, which the entry about it answers (the review reads models).
IS_RIGHT = re.compile(r"\bis\s+(?:this|my\s+(?:code|model))\s+(?:right|correct|ok|okay)\b", re.I)
MODEL_CODE = re.compile(r"\b(?:Sequential|Model\(|compile\(|fit\(|\.add\(|layers\.(?:Dense|Conv\w*|LSTM|GRU|"
                        r"SimpleRNN|Embedding|Bidirectional|Flatten|Dropout|MaxPool\w*))")


def code_request(text: str) -> str | None:
    """"review_code" or "run_my_code" for a code paste (or a ``` block) whose words ask for one, else None."""
    if "```" not in text and kind(text) != "code":
        return None
    said = words(text).replace("```", " ")
    reviews = REVIEW_CODE.search(said) or (IS_RIGHT.search(said) and MODEL_CODE.search(" ".join(code_lines(text))))
    if RUN_CODE.search(said) and not reviews:
        return "run_my_code"
    return "review_code" if reviews else None


# "what does the middle line buy me", "why include_top False": a question about one construct of
# a pasted fragment. The lines it points at, by place or by a name it shares with the code, say
# which construct; the rest of the fragment is context. "line 3" counts the lines as pasted.
PLACE = re.compile(r"\b(first|second|third|middle|last|final|top|bottom)\s+(?:(two|2|three|3)\s+)?"
                   r"(line|one|layer|call|statement)s?\b|\bline\s+(\d{1,3})\b", re.I)
COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3}
LAYER_LINE = re.compile(r"\blayers\.\w|\b(?:Dense|Conv[123]D|LSTM|GRU|SimpleRNN|Embedding|Flatten|Dropout)\(")
# a name, or a number that is no single digit ("the 0.2", "the 64.")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,40}|(?<![\w.])(?:\d{1,6}\.\d{1,6}|\d{2,6})(?!\w|\.\d)")
NOT_FOCUS = frozenset((
    "the", "this", "that", "and", "what", "why", "does", "do", "how", "line", "lines", "layer", "layers",
    "model", "keras", "tf", "for", "with", "not", "you", "your", "are", "is", "was", "its", "use", "used",
    "one", "here", "there", "true", "false", "none", "from", "first", "second", "third", "middle", "last",
    "final", "top", "bottom", "code", "import", "data", "where", "come", "comes", "mean", "means", "doing",
    "exactly", "just", "really", "part", "bit", "call", "statement", "all", "can", "should", "would",
))
CALL = re.compile(r"\w\(")  # a call the code matcher let through is code, not the learner's words
PLACES = {"first": 0, "top": 0, "second": 1, "third": 2, "middle": None, "last": -1, "final": -1, "bottom": -1}


def focus(text: str) -> list[str]:
    """The code lines the learner's words point at (none when they point at the whole fragment)."""
    code = code_lines(text)
    known = set(code)
    said = " ".join(line for line in _lines(text) if line.strip() not in known and not CALL.search(line))
    if len(code) < 2 or not said:
        return []
    named = {n.lower() for n in NAME.findall(PLACE.sub(" ", said))} - NOT_FOCUS
    picked = [line for line in code if named & {n.lower() for n in NAME.findall(line)}]
    pasted = [line.strip() for line in text.splitlines()[:400]]
    layers = [line for line in code if LAYER_LINE.search(line)]
    for match in PLACE.finditer(said):
        where, amount, noun, number = match.groups()
        count = COUNTS.get((amount or "").lower(), 1)
        if number:  # the learner counts the lines as pasted, blank ones and all
            index = int(number) - 1
            picked += [pasted[index]] if 0 <= index < len(pasted) and pasted[index] in known else []
            continue
        pool = layers if noun.lower() in ("layer", "one") and layers else code
        start = PLACES[where.lower()]
        if start is None:
            picked.append(pool[len(pool) // 2])
        elif start == -1:
            picked += pool[-count:]
        else:
            picked += pool[start:start + count]
    picked = list(dict.fromkeys(picked))
    return picked if picked and len(picked) < len(code) else []


def takes_text(examples: list[str]) -> bool:
    """Whether an intent's examples mostly carry a sentence of their own ("tokenize 'I loved it'")."""
    framed = sum(1 for e in examples if frame(e))
    return bool(examples) and framed >= 0.3 * len(examples)
