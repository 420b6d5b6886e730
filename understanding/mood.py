"""How a message asks: a request to run something ("do"), a question or a described symptom
("ask"), or neither. The router counts a message's mood for or against the commands; these are
patterns over the first 200 characters, each linear (no nested repeats)."""

import re

ASK = re.compile(r"^\s*(?:so\s+|and\s+|but\s+|ok\s+|hey\s+)?(?:what|why|how|when|which|who|whats|"
                 r"what's|wat|wht|is|are|does|do|did|should|would|explain|define|meaning|difference|"
                 r"tell me (?:about|what|why|how))\b", re.I)
VERBS = (r"train|run|show|teach|build|fit|forecast|predict|generate|write|tokeni[sz]e|export|"
         r"convert|give|make|start|try|cancel|stop|kill|abort|list|classify|demo|launch|rerun|redo|"
         r"retrain|go|do|let'?s|lets|get|download|package|save|split|turn|analy[sz]e|score|rate|"
         r"check|compare|learn|trian|traing|forcast|tokenise|"
         # other everyday imperatives learners use for a request ("grab a pretrained net...")
         r"grab|spin|fire|kick|whip|set up|setup|put|take|use|reuse|fine[- ]?tune|package|shrink|squish|compress|"
         r"quanti[sz]e|"
         r"squeeze|bundle|list|seed|feed|plot|draw|sketch|create|spit|produce|prepare|hook|load|freeze|compose|"
         r"repurpose|borrow|port|ship|piggyback|recreate|replay|redo|rebuild|code up|knock out|cook up")
DO_START = re.compile(rf"^\s*(?:please\s+|pls\s+|ok\s+|okay\s+|now\s+|so\s+|and\s+|then\s+|"
                      rf"alright\s+|right\s+|hey\s+)?(?:{VERBS})\b"
                      # "forecast is awesome on the training years": a noun, not an imperative
                      r"(?!\s+(?:is|was|are|were|looks?|seems?|keeps?)\b)(?<!stop(?= words))", re.I)
WANT = re.compile(r"\b(?:can you|could you|would you|will you|can u|could u|i want(?: you)? to|i wanna|"
                  r"i'd like(?: you)? to|"
                  # "any chance u could make me a robot poet", "could we train an rnn on it"
                  r"any chance|(?:can|could|shall) we (?:train|get|make|have|do|run|build|try|feed|see|fit|teach)|"
                  r"i(?: want| need| would like|'d like| wanna) (?:a|an|my|the|some|what|it|this|that|our|one)\b|"
                  r"i need(?: you)? to|"
                  r"id like to|i'd love to|let'?s|lets|can i (?:get|have|see|download|train|run)|"
                  r"show me|give me|help me (?:train|run|build|make)|for me|pls|plz|please|lemme|"
                  r"let me (?:see|watch))\b", re.I)
STATE = re.compile(r"\b(?:my|i|i'm|im|i've|ive|it's|its|keeps?|stuck|won'?t|wont|doesn'?t|doesnt|"
                   r"isn'?t|never|always|gets?|got|goes|went|stays?|but)\b", re.I)
# "why use a pretrained model", "how does an lstm write poems": asks for a reason or how a thing
# works, not for a run ("how do I", "what are my" and "what lessons are there" may still be commands)
REASON = re.compile(r"^\s*(?:so\s+|and\s+|but\s+|ok\s+)?(?:why|how come|what'?s the (?:point|use|benefit|advantage)|"
                    r"what is the (?:point|use|benefit|advantage))\b", re.I)
EXPLAIN = re.compile(r"^\s*(?:so\s+|and\s+|but\s+|ok\s+)?(?:what|how|why)\s+(?:is|are|was|does|do|did)\s+"
                     r"(?!i\b|you\b|u\b|my\b|we\b|there\b)", re.I)
WH = re.compile(r"\b(?:what|which|why|how|when|where|whats|what's)\b", re.I)
# "can you use dropout with an lstm?": whether two parts go together, a question, not a run
COMBINE = re.compile(r"^\s*(?:can|could|should)\s+(?:you|i|we|u|one)\s+(?:use|combine|mix|apply|add|put|stack)\b"
                     r"[^?]{0,60}?\b(?:with|in|inside|alongside|after|before)\s+(?:an?\s+|the\s+|my\s+)?"
                     r"(?:lstm|gru|rnn|cnn|conv\w*|dense|embedding|transformer|layer|model|network)s?\b", re.I)
# "can you explain what an embedding is", "walk me through why...", "tell me, don't run anything":
# an explanation asked for, however politely, is a question, even where "can you" asks for a run.
EXPLAIN_ASK = re.compile(
    r"^\s*(?:so\s+|ok\s+|okay\s+|hey\s+|um+\s+|and\s+)?(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+)?|"
    r"please\s+|pls\s+|i'?d\s+(?:love|like)\s+to\s+|i\s+want\s+to\s+|i\s+wanna\s+|help\s+me\s+)?"
    r"(?:explain|describe|clarify|understand|walk\s+me\s+through\s+(?:why|how|what)|tell\s+me\s+(?:about|why|how|what))\b"
    r"|\b(?:don'?t|dont|do\s+not|without)\s+(?:run|train)(?:ning)?\s+(?:anything|it|a\s+model|one)\b", re.I)
# "imdb reviews, embedding + global average pooling, 10 epochs", "..., temperature 0.7", "..., go":
# a model named with its settings, or ended with "go", asks for that run, though it has no verb.
SPEC = re.compile(r"\b(?:\d+\s*epochs?|for\s+\d+\s+(?:epochs?|steps?)|temperature\s*(?:of\s*)?\d|"
                  r"learning\s+rate\s*(?:of\s*)?\d|lr\s*=?\s*\d|dropout\s*(?:of\s*)?0?\.\d|\d+-?dim(?:ensional)?\b|"
                  r"vocab(?:ulary)?(?:\s+size)?\s*(?:of\s*)?\d+|window\s+(?:size\s*)?(?:of\s*)?\d+|batch\s+size\s*\d+)"
                  r"|(?:,|\bthen|\band)\s*(?:go+|let'?s\s+go+|start\s+it(?:\s+up)?|kick\s+it\s+off|hit\s+it)\W*$", re.I)
# "loss drops, then sits there, same number for like 50 epochs": settings in a described symptom
# are what the learner saw, not a request (round 5 showed this rule run a rerun for it).
SEEN = re.compile(r"\b(?:drops?|dropped|sits?|sat|stopped|stops|stays?|stayed|goes|went|keeps?|kept|stuck|"
                  r"plateau\w*|stalls?|stalled|jumps?|jumped|spikes?|explodes?|nan|same|won'?t|doesn'?t|didn'?t|"
                  r"isn'?t|never|always|still|after)\b", re.I)
# "put a big imagenet net in front of my classifier... now each epoch takes forever": what the
# learner saw after doing it, told to ask why, not a request, though it opens with a verb.
OBSERVED = re.compile(r"\b(?:takes? (?:forever|ages|so long)|drags? on|"
                      r"(?:is|are|got|gets|looks?) (?:actually |way |much |even )?(?:worse|slower)|"
                      r"overfits? (?:in|after|by|at)|always (?:late|wrong|behind)|"
                      r"did i (?:break|mess|do)|is (?:this|it) a bug|bug\?)", re.I)
REPORTED = re.compile(r"[,.;]\s|\.\.\.|\b(?:now|but|and|after|then)\b", re.I)  # ... after a clause break
# "stop words, should i remove them?": a noun that reads as a verb, then the question itself
THEN_ASKED = re.compile(r"[,;]\s*(?:and\s+|so\s+)?(?:should|do|does|is|are|can (?!you|u\b)|could (?!you|u\b)|how|what|"
                        r"why|when|which)\b[^?]{0,120}\?", re.I)
# "transfer learning = ?", "embeddings?": a term and a question mark is a question
BARE_TERM = re.compile(r"^\s*(?!(?:do|does|did|is|are|can|could|would|will|should|have|has|any|anything)\b)"
                       r"[\w.'-]{2,30}(?:\s+[\w.'-]{1,30}){0,3}\s*(?:=\s*)?\?+\s*$", re.I)
# "...instead of training from zero? do that", "... go ahead and train it": a question, then the
# go-ahead to run what it asked about, is a request
GO_AHEAD = re.compile(r"(?:^|[.?!]\s*)(?:please\s+|pls\s+|just\s+|ok\s+|so\s+|then\s+|now\s+)?"
                      r"(?:do (?:that|it|this)|go ahead|go for it|run it|try it|train it|start it|make it happen)\b"
                      r"[^?]{0,40}$", re.I)
# "run a windowed dnn on the sunspots data and ...": a run verb opening the message, then what to
# run: the closest topic says which skill ("run through", "train of thought" are no run).
RUN_OPENING = re.compile(r"^\s*(?:please\s+|pls\s+|now\s+|ok\s+)?"
                         r"(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?)?"  # "can you run ..."
                         r"(?:(?:run|train|fit|launch|kick off|fine[- ]?tune|retrain)\s+"
                         r"(?:(?:a|an|the|my|some|that|this|one|me a)\s+)?"
                         r"(?!(?:of|through|me through|into|out|over|away|down|in|on|with|for|it|to)\b)"
                         # "train accuracy climbs...", "run time is...": the verb is a noun's adjective
                         r"(?!(?:acc|accuracy|loss|losses|set|sets|data|split|error|errors|metrics?|curves?|score|"
                         r"scores|times?|step|steps|mode|is|was|are|were|keeps|kept|looks|seems|stops|goes|and|vs)\b)"
                         r"|(?:do|try)\s+(?:a|an|the|that|this|one)\s+)(?!of\b)[^?]{0,200}$", re.I)
BOOK = re.compile(r"\b(?:book|laurence|moroney|author|your|you)\b", re.I)


# "I have daily sales with weekly ups and downs, predict the next month": the learner sets the
# scene, then asks for a run after a comma, "so" or "and". Only verbs that can only mean a run
# count there ("..., use dropout?" and "..., get the same result" do not), and not in a question.
RUN_VERBS = (r"train|run|show|teach|build|forecast|predict|generate|write|export|convert|make|classify|"
             r"demo|launch|rerun|retrain|fine-?tune|plot|draw|create|produce|freeze|compose|repurpose|borrow|port")
TAIL_DO = re.compile(rf"(?:[,;.:]|\b(?:so|then|and|now))\s+(?:please\s+|pls\s+|just\s+|now\s+|can you\s+|could you\s+)?"
                     rf"(?:{RUN_VERBS})\b(?!\s+(?:is|was|are|were|looks?|seems?|keeps?)\b)", re.I)
# "how would I train a neuron on y=2x-1 myself": how to do it by hand, a question, not a run
HOW_MYSELF = re.compile(r"^\s*(?:so\s+|and\s+|but\s+|ok\s+)?how\s+(?:would|could|should|can|do|does|did)\s+"
                        r"(?:i|we|one|you|u|people)\b[^?]{0,120}?\b(?:myself|ourselves|my own|our own|by hand|"
                        r"from scratch|in (?:my|our) (?:own )?code|in python|in keras|with keras|in colab)\b", re.I)

# "can I run a Keras model in the browser?": whether something is possible, asked of any model, a
# question; "can I get my model as a tflite file" and "can you train a neuron" ask for a run.
POSSIBLE = re.compile(r"^\s*(?:so\s+|and\s+|but\s+|ok\s+)?(?:can|could)\s+(?:i|we|one|people)\s+[\w-]+"
                      r"(?:\s+\w+)?\s+(?:a|an|any|some)\b[^?]{0,150}\?", re.I)

# "will this book work for me if I only know javascript?": a yes/no question about a thing, not a
# request, though "for me" often asks for a run; "would it be possible to train..." still asks for one.
YES_NO = re.compile(r"^\s*(?:so\s+|and\s+|but\s+|ok\s+)?(?:will|would|does|do|is|are|should)\s+"
                    r"(?:this|it|that|these|those|the|a|an|my|your|tensorflow|keras)\s+"
                    r"(?!(?:be\s+)?(?:possible|able)\b|mind\b)[^?]{0,200}\?\s*$", re.I)


def mood(text: str) -> str | None:
    """"do" for a request to run something, "ask" for a question or a described symptom."""
    head = text[:200]
    if goes_ahead(head):
        return "do"
    if (COMBINE.match(head) or HOW_MYSELF.match(head) or POSSIBLE.match(head) or EXPLAIN_ASK.search(head)
            or YES_NO.match(head)):
        return "ask"
    if OBSERVED.search(head) and REPORTED.search(head) and not WANT.search(head):
        return "ask"
    if (THEN_ASKED.search(head) or BARE_TERM.match(head)) and not WANT.search(head) and not DO_START.match(head):
        return "ask"
    # "what architecture would you pick?" is a question, though "would you" often asks for a run
    if DO_START.match(head) or (WANT.search(head) and not WH.match(head.lstrip())):
        return "do"
    tail = TAIL_DO.search(head)
    if tail and "?" not in head[tail.start():] and not WH.search(head[tail.start():]):
        return "do"
    if SPEC.search(head) and "?" not in head and not ASK.match(head) and not SEEN.search(head):
        return "do"
    if ASK.match(head) or STATE.search(head):
        return "ask"
    return None


def goes_ahead(text: str) -> bool:
    """"...? do that": the go-ahead to run what a question asked about (an explanation asked for is none)."""
    return bool(GO_AHEAD.search(text[:200]) and not EXPLAIN_ASK.search(text[:200]))


def opens_with_run(text: str) -> bool:
    """"train a forecaster on sunspots ...": an explicit run, whatever its best reading explains."""
    return bool(RUN_OPENING.match(text[:200]) and not EXPLAIN_ASK.search(text[:200]))


# "... gives the same score to 'a' and 'b' — how??": a reason asked for at the end
TRAILING_REASON = re.compile(r"(?:[,;:—–-]|\.\.\.|^)\s*(?:but\s+|so\s+)?(?:why|how|how come|how so)\s*\?+\s*$", re.I)


def asks_reason(text: str) -> bool:
    """"why does my model call 'not good' positive?": a reason asked for, at the start or the end."""
    return bool(REASON.match(text) or TRAILING_REASON.search(text[-40:]))


def asks_how_or_why(text: str, command: str) -> bool:
    """A reason or a workings asked for about a command: explained, not run (unless told to go ahead)."""
    return not goes_ahead(text[:200]) and bool(REASON.match(text) or HOW_MYSELF.match(text) or POSSIBLE.match(text)
                or EXPLAIN_ASK.search(text[:200]) or (
        EXPLAIN.match(text) and command.startswith(("train_", "export_"))))
