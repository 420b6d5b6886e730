"""Answers about the learner's own runs, read from their numbers: "is my model overfitting?",
"which run was better?", "why is the weight 1.998 and not exactly 2?", "why did that happen?",
"and with dropout?".

Pure functions over a run's skill, params and metrics (what the jobs table keeps), so chat and
lessons can ask the same questions. Each returns None when the run's numbers cannot answer,
and the caller falls back to the generic knowledge-base answer.
"""

import re
from dataclasses import dataclass

from skills import registry

# What the learner asks about their run, by the words that ask it (bounded, linear patterns).
KINDS = (
    ("compare", re.compile(r"\b(?:which|what) (?:run|one|model|training)\b.{0,40}\b(?:better|best|worse)|"
                           r"\bbetter than (?:before|last time|the (?:last|previous|first))|"
                           r"\bcompare (?:my |the )?(?:runs|trainings|models|last two)|"
                           r"\b(?:improve|improved|get better|got better|worse)\b.{0,30}"
                           r"\b(?:last|previous|before)", re.I)),
    ("overfitting", re.compile(r"\bover-?fit\w*|\bunder-?fit\w*|\bmemori[sz]\w*|\bgeneral[iy][sz]\w*|"
                               r"\bgap between (?:train\w*|validation)", re.I)),
    ("weight", re.compile(r"\b(?:weight|bias|slope|w|b)\b.{0,60}\b(?:not|exactly|instead)|"
                          r"\b1\.99\d*|\b-0\.99\d*|\bnot (?:exactly )?(?:2|two|19|-1)\b", re.I)),
    ("option", re.compile(r"^\W*(?:and|what|but|so|ok)?\W*(?:about |if |with |without )+"
                          r"(?:i (?:use|add|turn on) |we (?:use|add) )?(?:some |more |less |a )?"
                          r"(dropout|augment\w*|more epochs|fewer epochs|a cnn|cnn|dense)\b", re.I)),
    ("why", re.compile(r"\bwhy (?:did|does|is|was) (?:that|this|it)\b|\bwhat happened\b|"
                       r"\bhow did (?:it|my \w+|that|the training) (?:go|do)\b|"
                       r"\bexplain (?:that|my|the) (?:result|run)", re.I)),
)
LOWER_IS_BETTER = re.compile(r"loss|mae|error|perplexity|seconds")


@dataclass(frozen=True)
class Run:
    job_id: int | str  # what chat calls the run (its public number)
    skill: str
    params: dict
    metrics: dict


def question_kind(text: str) -> str | None:
    """Which question about their run the learner asks, or None."""
    for kind, pattern in KINDS:
        if pattern.search(text[:300]):
            return kind
    return None


def named_option(text: str) -> str | None:
    """The option an "and with dropout?" question names ("dropout", "augmentation", ...)."""
    match = dict(KINDS)["option"].search(text[:300])
    return match[1] if match else None


def _title(run: Run) -> str:
    try:
        return registry.get(run.skill).title
    except KeyError:
        return run.skill


def overfitting(run: Run, asked: bool = True) -> str | None:
    """"Is my model overfitting?" from the run's numbers. `asked`: the learner asked that yes/no
    question; when not ("why did that happen?"), the same facts without a yes or a no."""
    m = run.metrics
    name = f"your {_title(run)} (run {run.job_id})"
    if {"train_accuracy", "val_accuracy"} <= m.keys():
        gap = m["train_accuracy"] - m["val_accuracy"]
        rise = m.get("val_loss_rise", 0.0)
        facts = (f"{name} reached {m['train_accuracy']:.3f} accuracy on its training data and "
                 f"{m['val_accuracy']:.3f} on validation data, a gap of {gap:.3f}")
        told = facts[0].upper() + facts[1:]
        if gap > 0.05 or rise > 0.05:
            rose = f", and validation loss rose {rise:.3f} above its best" if rise > 0.05 else ""
            return (f"{'Yes, a little: ' + facts if asked else told}{rose}. It learned the training examples "
                    "better than it generalises. More dropout, augmentation, fewer epochs or more data "
                    "narrow that gap.")
        if m["val_accuracy"] < 0.7:
            return (f"{'No, it is underfitting rather than overfitting: ' + facts if asked else told}, but "
                    f"both are low{'' if asked else ': it is underfitting'}. Train longer, or use a bigger "
                    "model (a CNN for images).")
        return (f"{'No: ' + facts if asked else told}, so it generalises about as well as it fits (a gap "
                "under 0.05 is healthy).")
    if {"transfer_val_accuracy", "scratch_val_accuracy"} <= m.keys():
        return (f"With only {run.params.get('shots', 'a few')} examples per digit, the model trained from "
                f"scratch reached {m['scratch_val_accuracy']:.3f} validation accuracy and the transfer "
                f"model {m['transfer_val_accuracy']:.3f}: the pretrained features are what stop the small "
                "dataset from being memorised.")
    if {"mae", "naive_mae"} <= m.keys():
        verdict = "beats" if m["mae"] < m["naive_mae"] else "does not beat"
        return (f"A forecaster is judged on data it never saw: your best model's validation MAE is "
                f"{m['mae']:.3f} and the naive forecast's {m['naive_mae']:.3f}, so it {verdict} the naive "
                "baseline. If it fit the training window much better than that, it would be overfitting.")
    if "final_loss" in m:
        return (f"{name.capitalize()} has 2 parameters and learned from 6 points, so there is nothing to "
                f"overfit: its final loss is {m['final_loss']:.2g}.")
    return None


def weight(run: Run) -> str | None:
    m = run.metrics
    if not {"weight", "bias"} <= m.keys():
        return None
    epochs = m.get("epochs") or run.params.get("epochs")
    trained = f" after {epochs:g} epochs" if isinstance(epochs, (int, float)) else ""
    x10 = f" (so it predicts {m['prediction_x10']:.3f} for x = 10, not 19)" if "prediction_x10" in m else ""
    return (f"Your neuron (run {run.job_id}) learned weight {m['weight']:.4f} and bias {m['bias']:.4f}"
            f"{trained}{x10}. Gradient descent moves the two numbers a little closer to 2 and -1 each "
            f"epoch, but it stops after a fixed number of epochs, with a final loss of "
            f"{m.get('final_loss', 0.0):.2g} left. It only ever saw 6 points, so it learns a very good "
            "estimate, not the exact rule. More epochs get closer; exactly 2 never comes.")


def compare(newer: Run, older: Run) -> str | None:
    key = registry.get(newer.skill).key_metric if newer.skill in registry.names() else None
    if key is None or key[0] not in newer.metrics or key[0] not in older.metrics:
        return None
    metric, said = key
    a, b = newer.metrics[metric], older.metrics[metric]
    lower = bool(LOWER_IS_BETTER.search(metric))
    changed = [f"{k} {older.params.get(k)!r} -> {v!r}" for k, v in newer.params.items()
               if k in older.params and older.params.get(k) != v and k != "previous"]
    what = f" (you changed {', '.join(changed)})" if changed else ""
    if abs(a - b) < 1e-9:
        return f"Runs {older.job_id} and {newer.job_id} tie on {said}: {a:.4g}{what}."
    best, worst = (newer, older) if (a < b) == lower else (older, newer)
    return (f"Run {best.job_id} was better: {said} {best.metrics[metric]:.4g} against "
            f"{worst.metrics[metric]:.4g} for run {worst.job_id}{what}"
            f"{' (lower is better)' if lower else ''}.")


def explain(run: Run, summary: str | None) -> str | None:
    """"Why did that happen?": the run's own summary, plus what its numbers say."""
    verdict = overfitting(run, asked=False) if run.skill != "hello_neuron" else weight(run)
    parts = [p for p in (summary, verdict) if p]
    return " ".join(parts) if parts else None


def option(run: Run, choice: str) -> tuple[str, str] | None:
    """"And with dropout?": what that option would change in this run, and the rerun to offer."""
    choice = choice.lower()
    params = run.params
    if choice.startswith("dropout") and "dropout" in params:
        now = params.get("dropout") or 0.0
        gap = run.metrics.get("overfit_gap")
        seen = f" Your run had a train/validation gap of {gap:.3f}." if gap is not None else ""
        rate = 0.3 if now < 0.3 else min(0.5, now + 0.1)
        return (f"Your {_title(run)} (run {run.job_id}) used dropout {now:g}.{seen} With dropout "
                f"{rate:g}, {rate:.0%} of the units are switched off at random in each training step, so no "
                "unit can rely on another: training accuracy usually falls a little and the gap "
                "narrows. Want to see it on your run?", f"rerun it with dropout {rate:g}")
    if choice.startswith("augment") and "augmentation" in params:
        if params.get("augmentation"):
            return f"Run {run.job_id} already used augmentation.", "rerun it without augmentation"
        return (f"Run {run.job_id} trained on the images as they are. Augmentation shows each image "
                "slightly rotated, shifted or zoomed every epoch, so the model sees more variety than "
                "the dataset has; it fights overfitting and often costs a little accuracy on a small "
                "clean dataset like the 8x8 digits. Want to see it on your run?",
                "rerun it with augmentation")
    if "epochs" in choice and "epochs" in params:
        more = "more" in choice
        epochs = params["epochs"] * 2 if more else max(1, params["epochs"] // 2)
        effect = ("More epochs fit the training data better, until validation loss starts to rise."
                  if more else "Fewer epochs can stop before the model overfits, or before it has learned enough.")
        return f"Run {run.job_id} trained for {params['epochs']} epochs. {effect}", f"rerun it with {epochs} epochs"
    if choice in ("cnn", "a cnn", "dense") and "model" in params:
        return (f"Run {run.job_id} used a {params['model']} network. A CNN learns small image filters "
                "shared across positions and usually beats a dense network on images.",
                f"rerun it with a {'cnn' if 'cnn' in choice else 'dense network'}")
    return None


# --- coaching a finished run against the previous one ------------------------------------------

CLEAR_DROP = 0.01  # validation accuracy falling by more than 1 point is a drop, not noise
AUGMENTED_EPOCHS = 40  # augmented images are harder to fit: they need about this many epochs


def _settings(params: dict) -> str:
    """' with augmentation and dropout 0.3 at 15 epochs' for the run's own settings."""
    used = [name for name, on in (("augmentation", params.get("augmentation")),
                                  (f"dropout {params.get('dropout', 0):g}", params.get("dropout"))) if on]
    said = f" with {' and '.join(used)}" if used else ""
    return said + (f" at {params['epochs']} epochs" if params.get("epochs") else "")


def dropped(metrics: dict, previous: dict | None, params: dict) -> str | None:
    """The coaching for a run whose validation accuracy clearly fell below the learner's previous
    run of the same skill ("Validation accuracy fell from 0.972 to 0.933 with augmentation at 15
    epochs: augmentation needs more epochs; try ..."), or None when it did not fall."""
    if not previous or "val_accuracy" not in previous or "val_accuracy" not in metrics:
        return None
    before, now = previous["val_accuracy"], metrics["val_accuracy"]
    if before - now <= CLEAR_DROP:
        return None
    epochs = int(params.get("epochs") or 0)
    said = f"Validation accuracy fell from {before:.3f} to {now:.3f}{_settings(params)}"
    model = params.get("model", "cnn")
    if params.get("augmentation") and epochs < AUGMENTED_EPOCHS:
        return (f"{said}: augmentation needs more epochs, because every epoch shows new variants of "
                f"the images. Try: train a {model} with augmentation for {AUGMENTED_EPOCHS} epochs.")
    if params.get("dropout") and epochs < AUGMENTED_EPOCHS:
        more = min(50, max(2 * epochs, epochs + 10))
        return (f"{said}: dropout slows learning down, so it needs more epochs. Try: train a {model} "
                f"with dropout {params['dropout']:g} for {more} epochs.")
    if params.get("train_fraction", 1.0) < 1.0:
        return f"{said}: it trained on less data. Try: train a {model} on all the training data."
    return (f"{said}, so this change did not help here. Go back to what worked, or change one "
            "setting at a time to see which one costs the accuracy.")


# --- a failed run's suggested fix ---------------------------------------------------------------

def retry_fix(params: dict, error: str | None) -> tuple[str, dict] | None:
    """(button title, changed params) for the fix a failed run's message suggests, so one click
    runs the same skill with it: "Retry with learning rate 0.01". None when nothing is suggested."""
    error = error or ""
    rate = params.get("learning_rate")
    if isinstance(rate, (int, float)) and re.search(r"learning.rate|blew up|diverged", error, re.I):
        named = re.search(r"\b(?:such as|try) (0?\.\d{1,6})\b", error, re.I)  # the number the message gives
        fixed = float(named[1]) if named else 0.01 if rate > 0.01 else round(rate / 10, 6)
        return f"Retry with learning rate {fixed:g}", {"learning_rate": fixed}
    epochs = params.get("epochs")
    if isinstance(epochs, int) and epochs > 1 and re.search(r"fewer epochs|too long|time limit", error, re.I):
        return f"Retry with {epochs // 2} epochs", {"epochs": epochs // 2}
    seed = params.get("seed")
    if isinstance(seed, int) and re.search(r"another seed", error, re.I):
        return f"Retry with seed {seed + 1}", {"seed": seed + 1}
    return None
