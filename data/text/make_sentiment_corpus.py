"""Compose the bundled sentiment corpus (data/text/sentiment.jsonl) from hand-written fragments.

Why generated: the book's datasets (Sarcasm headlines, IMDB) need the internet, and tests need a
labelled corpus that trains in seconds. Fragments below are hand-written for this project; a fixed
seed composes them into review-like sentences about films, products, food and places, with
negation ("was not good" -> negative, "was not bad" -> positive) and mixed clauses ("the plot was
dull but the acting was superb" -> the clause after "but" decides), so a bag of words alone cannot
get everything right. The hand-written lines in sentiment_handwritten.tsv are added as written.

Every sentence is unique, so no sentence can sit on both sides of a train/validation split.
Regenerate (byte-identical output):  python data/text/make_sentiment_corpus.py
"""

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 1234
GENERATED_SENTENCES = 2800

DOMAINS = {
    "film": {
        "subjects": ["the film", "this movie", "the sequel", "the documentary", "the new thriller",
                     "this comedy", "the cartoon", "the horror film", "the musical", "the series finale"],
        "aspects": ["the acting", "the plot", "the soundtrack", "the ending", "the dialogue",
                    "the camera work", "the script", "the special effects", "the lead actor", "the pacing"],
        "pos": ["gripping", "moving", "hilarious", "beautifully shot", "clever", "touching"],
        "neg": ["boring", "predictable", "confusing", "far too long", "clumsy", "forgettable"],
    },
    "product": {
        "subjects": ["the phone", "this laptop", "the blender", "these headphones", "the vacuum cleaner",
                     "this kettle", "the camera", "the backpack", "these running shoes", "the printer"],
        "aspects": ["the battery", "the screen", "the build quality", "the price", "the delivery",
                    "the sound", "the design", "the customer service", "the manual", "the charger"],
        "pos": ["reliable", "sturdy", "easy to use", "well made", "good value", "comfortable"],
        "neg": ["flimsy", "broken", "overpriced", "useless", "cheaply made", "faulty"],
    },
    "food": {
        "subjects": ["the pizza", "this restaurant", "the soup", "the curry", "the bakery",
                     "the burger", "this cafe", "the pasta", "the sushi", "the dessert"],
        "aspects": ["the service", "the portions", "the coffee", "the bread", "the sauce",
                    "the waiter", "the menu", "the fries", "the salad", "the wine"],
        "pos": ["delicious", "tasty", "fresh", "generous", "perfectly cooked", "friendly"],
        "neg": ["bland", "cold", "greasy", "stale", "rude", "undercooked"],
    },
    "place": {
        "subjects": ["the hotel", "this museum", "the beach", "the park", "the campsite",
                     "the old town", "this guesthouse", "the zoo", "the train station", "the festival"],
        "aspects": ["the room", "the staff", "the view", "the location", "the breakfast",
                    "the bathroom", "the guided tour", "the parking", "the pool", "the wifi"],
        "pos": ["spotless", "peaceful", "charming", "welcoming", "stunning", "relaxing"],
        "neg": ["dirty", "noisy", "crowded", "shabby", "unfriendly", "depressing"],
    },
}
SHARED_POS = ["good", "great", "excellent", "wonderful", "fantastic", "lovely", "brilliant",
              "superb", "amazing", "pleasant", "enjoyable", "nice", "perfect", "outstanding"]
SHARED_NEG = ["bad", "terrible", "awful", "poor", "horrible", "dreadful", "disappointing",
              "mediocre", "annoying", "dull", "rubbish", "unpleasant", "lousy", "disgusting"]
INTENSIFIERS = ["", "", "", "really ", "very ", "truly ", "quite ", "so ", "absolutely ", "pretty "]
WAS = ["was", "is", "seemed", "felt"]
POS_TAILS = ["", "", "", " and i would go back", " and i loved it", " highly recommended",
             " worth every penny", " and we had a great time", " and it made my day",
             " five stars", " and i will tell my friends"]
NEG_TAILS = ["", "", "", " and i want my money back", " and i hated it", " avoid it",
             " a complete waste of money", " and we left early", " and it ruined my day",
             " one star", " and i will never return"]
POS_VERBS = ["i loved", "we really enjoyed", "i adored", "my family loved", "i was impressed by",
             "we were delighted with", "i would happily recommend", "everyone enjoyed"]
NEG_VERBS = ["i hated", "we regretted", "i was let down by", "my family disliked",
             "i would never recommend", "we were disappointed with", "i could not stand",
             "nobody enjoyed"]


def _adjective(domain: dict, positive: bool, rng: random.Random) -> str:
    """Mostly shared sentiment words, sometimes a domain word, so both carry signal."""
    shared, own = (SHARED_POS, domain["pos"]) if positive else (SHARED_NEG, domain["neg"])
    return rng.choice(shared if rng.random() < 0.6 else own)


def _tail(positive: bool, rng: random.Random) -> str:
    return rng.choice(POS_TAILS if positive else NEG_TAILS)


def simple(domain, rng):
    """'the soup was really tasty' - the easy majority."""
    label = rng.random() < 0.5
    thing = rng.choice(domain["subjects"] + domain["aspects"])
    text = f"{thing} {rng.choice(WAS)} {rng.choice(INTENSIFIERS)}{_adjective(domain, label, rng)}"
    return text + _tail(label, rng), label


def verb(domain, rng):
    """'we were disappointed with the hotel' - the verb carries the sentiment."""
    label = rng.random() < 0.5
    return f"{rng.choice(POS_VERBS if label else NEG_VERBS)} {rng.choice(domain['subjects'])}", label


def negated(domain, rng):
    """'the plot was not clever' is negative; less often 'was not bad' is (mildly) positive."""
    negate_positive = rng.random() < 0.75
    thing = rng.choice(domain["subjects"] + domain["aspects"])
    adjective = _adjective(domain, negate_positive, rng)
    verb = rng.choice(["was", "is"])
    neg = rng.choice(["not", "not", "never", "not at all"])
    if neg == "not at all":
        text = f"{thing} {verb} not {adjective} at all"
    else:
        text = f"{thing} {verb} {neg} {adjective}"
    label = not negate_positive
    return text + _tail(label, rng), label


def mixed(domain, rng):
    """Two clauses that disagree; the one after 'but' (or the main clause) wins."""
    label = rng.random() < 0.5
    first, second = rng.sample(domain["aspects"] + domain["subjects"], 2)
    before = _adjective(domain, not label, rng)
    after = _adjective(domain, label, rng)
    if rng.random() < 0.6:
        text = f"{first} was {before} but {second} was {rng.choice(INTENSIFIERS)}{after}"
    else:
        text = f"although {first} was {before} {second} was {rng.choice(INTENSIFIERS)}{after}"
    return text, label


# How often each kind of sentence is drawn: mostly plain, a fair share of the hard kinds.
TEMPLATES = [(simple, 0.5), (verb, 0.15), (negated, 0.2), (mixed, 0.15)]


def generate(count: int = GENERATED_SENTENCES, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    functions, weights = zip(*TEMPLATES)
    seen: set[str] = set()
    rows: list[dict] = []
    while len(rows) < count:
        domain = DOMAINS[rng.choice(sorted(DOMAINS))]
        template = rng.choices(functions, weights)[0]
        text, label = template(domain, rng)
        if text in seen:
            continue
        seen.add(text)
        rows.append({"sentence": text, "label": int(label), "source": "generated", "kind": template.__name__})
    return rows


def handwritten() -> list[dict]:
    rows = []
    for line in (HERE / "sentiment_handwritten.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append({"sentence": text.strip(), "label": int(label), "source": "handwritten",
                         "kind": "handwritten"})
    return rows


def build_rows() -> list[dict]:
    """Generated sentences plus the hand-written ones, shuffled with the fixed seed."""
    rows = generate()
    seen = {row["sentence"] for row in rows}
    for row in handwritten():
        if row["sentence"] not in seen:
            seen.add(row["sentence"])
            rows.append(row)
    random.Random(SEED).shuffle(rows)
    return rows


def render(rows: list[dict]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def main() -> None:
    rows = build_rows()
    out = HERE / "sentiment.jsonl"
    out.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} sentences to {out}")


if __name__ == "__main__":
    main()
