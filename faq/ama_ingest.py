"""Turn the AMA archive (data/ama/ama_archive.txt) into question -> answer items.

The archive is YAML front matter whose `archive:` lists posts `{name, text, replies}`. Its
conventions, and the rules this module applies to them:

- The author's answer starts with the asker's name, then `--`, `-` or just a space
  ("Bayram Kapti They're not..."). Unaddressed author posts in a thread answer the question just
  above them in that thread; at top level they continue the answer right before them, unless
  they address everybody ("small factoid for everybody reading"), which makes them an aside.
- An aside is an item of its own, with no asker and no question from the archive: learners ask
  about it all the same ("does the author earn from the book?"), in data/faq/ama_paraphrases.yml.
- A post is a question if it asks something: a `?`, or "I wonder", "curious", "wanted to know".
  Greetings, thanks and comments are not FAQ items.
- Several answers in a row to one asker who has as many open questions pair up in order
  (Krzysztof's #58/#59 -> #60/#61). A single answer to an asker with several open questions
  covers those it shares a content word with (Matthew's four posts -> "Almost no math!..."; Rohan's #38
  stays open when #48 answers only his #41). An answer to an asker with nothing open is one more
  answer to their last answered question (#11 adds to #10).
- Items are the connected groups of questions and answers; several answers are joined.

Run `python -m faq.ama_ingest` to rewrite data/faq/ama.yml; a test checks it is up to date.
"""

import hashlib
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT / "data" / "ama" / "ama_archive.txt"
OUTPUT = ROOT / "data" / "faq" / "ama.yml"
AUTHOR = "Laurence Moroney"

QUESTION_CUES = re.compile(r"\?|\bI wonder\b|\bcurious\b|\bwanted to know\b|\bwould like to know\b", re.I)
TO_EVERYBODY = re.compile(r"\b(everybody|everyone|all of you)\b", re.I)
ADDRESS_SEPARATOR = re.compile(r"^\s*(?:--|-|,)?\s*")
STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
     "has", "have", "how", "i", "if", "in", "is", "it", "its", "of", "on", "or", "so", "that", "the",
     "their", "them", "there", "these", "they", "this", "to", "was", "we", "what", "when", "where",
     "which", "who", "why", "will", "with", "would", "you", "your", "my", "me", "about", "any",
     "into", "more", "much", "than", "then", "too", "very", "just", "also", "book"]
)


@dataclass
class Post:
    key: str  # position in the archive: "18" or "64.0" for a reply
    name: str
    text: str
    thread: str  # key of the top-level post this belongs to


@dataclass
class Item:
    id: str
    asker: str | None  # None for an aside to everybody
    questions: list[str]
    answer: str
    source_posts: list[str] = field(default_factory=list)


def load_posts(archive_text: str) -> list[Post]:
    front_matter = archive_text.split("---")[1]
    posts = []
    for i, post in enumerate(yaml.safe_load(front_matter)["archive"]):
        posts.append(Post(str(i), post["name"], clean(post["text"]), str(i)))
        for j, reply in enumerate(post.get("replies") or []):
            posts.append(Post(f"{i}.{j}", reply["name"], clean(reply["text"]), str(i)))
    return posts


def clean(text: str) -> str:
    """HTML entities decoded; YAML has already joined folded line continuations."""
    return html.unescape(text).strip()


def is_question(post: Post) -> bool:
    return post.name != AUTHOR and bool(QUESTION_CUES.search(post.text))


def addressee(text: str, askers: list[str]) -> tuple[str | None, str]:
    """The asker an answer starts with, and the answer without that name."""
    for name in sorted(askers, key=len, reverse=True):
        if text.startswith(name):
            rest = text[len(name):]
            if rest[:1] in ("", " ", "-", ",", "\n"):
                return name, ADDRESS_SEPARATOR.sub("", rest, count=1)
    return None, text


def words(text: str) -> set[str]:
    """Content words, cut to 5 letters so 'deploy'/'deployment' and 'book'/'books' meet."""
    return {w[:5] for w in re.findall(r"[a-z][a-z0-9'.+-]*[a-z0-9]", text.lower()) if w not in STOPWORDS}


def pair_posts(posts: list[Post]) -> list[tuple[str, str, str]]:
    """(question key, answer key, answer text without the addressee) for every pairing."""
    askers = sorted({p.name for p in posts if p.name != AUTHOR})
    open_questions: dict[str, list[Post]] = {}
    last_answered: dict[str, list[Post]] = {}
    pairs: list[tuple[str, str, str]] = []
    previous_answer_questions: list[Post] = []
    i = 0
    while i < len(posts):
        post = posts[i]
        if post.name != AUTHOR:
            if is_question(post):
                open_questions.setdefault(post.name, []).append(post)
            previous_answer_questions = []
            i += 1
            continue

        name, body = addressee(post.text, askers)
        if name is None:
            previous_answer_questions = _unaddressed(post, posts[:i], previous_answer_questions)
            pairs += [(q.key, post.key, post.text) for q in previous_answer_questions]
            i += 1
            continue

        # A run of consecutive answers to the same asker (a reply ends it).
        run = [(post, body)]
        while i + len(run) < len(posts):
            nxt = posts[i + len(run)]
            nxt_name, nxt_body = addressee(nxt.text, askers) if nxt.name == AUTHOR else (None, "")
            if nxt_name != name or "." in nxt.key:
                break
            run.append((nxt, nxt_body))
        pending = open_questions.get(name, [])
        assigned = _assign(run, pending, last_answered.get(name, []))
        for answer, text, questions in assigned:
            pairs += [(q.key, answer.key, text) for q in questions]
            if questions:
                last_answered[name] = questions
                previous_answer_questions = questions
        answered = {q.key for _, _, questions in assigned for q in questions}
        open_questions[name] = [q for q in pending if q.key not in answered]
        i += len(run)
    return pairs


def _unaddressed(post: Post, before: list[Post], previous: list[Post]) -> list[Post]:
    """Questions an answer that names nobody belongs to (see the module docstring)."""
    if "." in post.key:  # a reply: the nearest question above it in the same thread
        for earlier in reversed(before):
            if earlier.thread != post.thread:
                break
            if "." in earlier.key and earlier.name != AUTHOR:
                return [earlier] if is_question(earlier) else []
        return []
    if TO_EVERYBODY.search(post.text):
        return []
    return previous


def _assign(run, pending: list[Post], fallback: list[Post]):
    """Split a run of answers over the asker's open questions."""
    if pending and len(run) == len(pending) and len(run) > 1:
        return [(a, t, [q]) for (a, t), q in zip(run, pending)]
    if not pending:
        return [(a, t, fallback) for a, t in run]
    if len(pending) == 1:
        return [(a, t, pending) for a, t in run]
    answer_words = set().union(*(words(t) for _, t in run))
    covered = [q for q in pending if words(q.text) & answer_words] or pending[-1:]
    return [(a, t, covered) for a, t in run]


def build_items(posts: list[Post]) -> list[Item]:
    by_key = {p.key: p for p in posts}
    pairs = pair_posts(posts)
    # Connected groups of questions and answers become items.
    parent: dict[str, str] = {}

    def find(k):
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for q, a, _ in pairs:
        parent[find("q" + q)] = find("a" + a)
    answer_text = {a: t for _, a, t in pairs}
    groups: dict[str, dict[str, list[str]]] = {}
    for q, a, _ in pairs:
        group = groups.setdefault(find("a" + a), {"q": [], "a": []})
        if q not in group["q"]:
            group["q"].append(q)
        if a not in group["a"]:
            group["a"].append(a)

    items = []
    for group in groups.values():
        questions = sorted(group["q"], key=_order)
        answers = sorted(group["a"], key=_order)
        asker = by_key[questions[0]].name
        texts = [by_key[q].text for q in questions]
        items.append(Item(
            id=_stable_id(asker, texts[0]),
            asker=asker,
            questions=texts,
            answer="\n\n".join(answer_text[a] for a in answers),
            source_posts=questions + answers,
        ))
    items += [Item(id=_stable_id("aside", post.text), asker=None, questions=[], answer=post.text,
                   source_posts=[post.key]) for post in asides(posts)]
    return sorted(items, key=lambda item: _order(item.source_posts[0]))


def asides(posts: list[Post]) -> list[Post]:
    """The author's top-level posts to everybody that answer no one (see the module docstring)."""
    askers = sorted({p.name for p in posts if p.name != AUTHOR})
    return [p for p in posts if p.name == AUTHOR and "." not in p.key and TO_EVERYBODY.search(p.text)
            and addressee(p.text, askers)[0] is None]


def _order(key: str) -> tuple[int, ...]:
    return tuple(int(part) for part in key.split("."))


def _stable_id(asker: str, first_question: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", asker.lower()).strip("-")
    digest = hashlib.sha256(first_question.encode()).hexdigest()[:6]
    return f"ama-{slug}-{digest}"


def render(items: list[Item]) -> str:
    header = ("# Generated by `python -m faq.ama_ingest` from data/ama/ama_archive.txt. Do not edit:\n"
              "# change the archive or the rules in faq/ama_ingest.py and regenerate.\n")
    data = [{"id": i.id, "asker": i.asker, "questions": i.questions, "answer": i.answer,
             "source_posts": i.source_posts} for i in items]
    return header + yaml.safe_dump({"items": data}, allow_unicode=True, sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    archive = Path(args[0]) if args else ARCHIVE
    output = Path(args[1]) if len(args) > 1 else OUTPUT
    items = build_items(load_posts(archive.read_text(encoding="utf-8")))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(items), encoding="utf-8")
    print(f"{len(items)} AMA items, {sum(len(i.questions) for i in items)} questions -> {output}")


if __name__ == "__main__":
    main()
