"""Is a message written in a language other than English?

MiniLM and the knowledge base are English, so a German or Spanish question would otherwise be
matched by the few words it shares with English (a German message was routed to the lesson
list) or end in the staff queue as "not sure". Telling the common European languages apart by
their function words needs no model: a message in one of them is full of words like "ich",
"que" or "est", and has almost no English function words. Short messages and pasted code are
never judged (too little to tell, and identifiers are English-ish anyway).
"""

import re

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Frequent function words that are not also English words (nor ML words: "per", "non", "os").
_FOREIGN = """
ich du sie wir ihr nicht und ist das der dem ein eine einen mein meine mit wie warum wer
kann können habe hast auf für von zu bei nach oder aber auch noch sehr sind wird werden
el los las que por para como una unos unas pero muy mis tu es está están hay qué cómo porque
yo usted puedo quiero hacer tiene del
le les est et je pas une des du avec pour sur dans mon ma mes vous nous il elle sont qui quoi
comment pourquoi faire peux veux aussi très cette ce
che è della delle degli gli sono mio mia perché cosa posso voglio anche molto
não uma meu minha você também muito isso esta
"""
_ENGLISH = """
the a an is are was were be been am i you he she it we they my your our their this that these
those what why how when which who do does did can could should would will to of in on for with
and or but not no yes from at by about as if so than then there here me him her them us
"""
FOREIGN, ENGLISH = frozenset(_FOREIGN.split()), frozenset(_ENGLISH.split())


def foreign(text: str) -> bool:
    """True when the message reads as another language (at least 3 words, mostly not English)."""
    words = [w.casefold() for w in WORD.findall(text[:500])]
    if len(words) < 3:
        return False
    others = sum(w in FOREIGN for w in words)
    english = sum(w in ENGLISH for w in words)
    return others >= 2 and others > 2 * english
