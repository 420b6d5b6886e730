"""Slack Block Kit rendering of Tutor's chat messages: pure functions over plain dicts.

Kept apart from bot/slack_connector.py, and importing only the standard library, so it runs where
the connector runs (Rasa's venv, and the Rasa image, which mounts only bot/) and can be tested from
the app venv without Rasa. One Rasa bot message becomes the arguments of one chat.postMessage:

- text as mrkdwn sections, split under Slack's 3000-character limit ([label](url) -> <url|label>);
- images as image blocks with the artifact URL;
- buttons as actions blocks whose values are the payloads (a click comes back as that payload);
- Tutor's custom payloads (`{"data": {"type": ...}}`, tutor/payloads.py): a finished result as a
  summary with its metrics as fields, a failed or stopped one and progress as a line of text when
  no text came with them; the others are machine-readable twins of their text.
"""

import re
from typing import Any

# Block Kit limits (https://api.slack.com/reference/block-kit)
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ALT_TEXT = 2000
MAX_FALLBACK_TEXT = 4000

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)


def _escape(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_FENCE = re.compile(r"```[ \t]*[\w+-]{0,20}[ \t]*\n?(.*?)```", re.S)


def to_mrkdwn(text: str) -> str:
    """Markdown as Tutor's actions write it -> Slack mrkdwn: [label](url) -> <url|label>,
    **bold** -> *bold*, headings -> bold lines; everything else escaped. Code blocks stay
    code blocks, untouched but for escaping (a `# comment` is no heading, `x**2` no bold), and
    lose their language tag, which Slack would print as the first line."""
    parts, last = [], 0
    for match in _FENCE.finditer(text):
        parts.append(_prose(text[last:match.start()]))
        parts.append("```\n" + _escape(match.group(1).rstrip("\n")) + "\n```")
        last = match.end()
    parts.append(_prose(text[last:]))
    return "".join(parts)


def _prose(text: str) -> str:
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(_escape(text[last:match.start()]))
        label = _escape(match.group(1)).replace("|", "/")
        parts.append(f"<{match.group(2)}|{label}>")
        last = match.end()
    parts.append(_escape(text[last:]))
    out = "".join(parts)
    out = _HEADING.sub(r"*\1*", out)
    return _BOLD.sub(r"*\1*", out)


def _chunks(text: str, size: int) -> list[str]:
    """Split at line breaks (or hard, for one long line) into pieces of at most `size`; a code
    block cut in two is closed at the end of one piece and reopened at the start of the next."""
    pieces = _split(text, size - 8)  # room for the fences added below
    for i in range(len(pieces) - 1):
        if pieces[i].count("```") % 2:
            pieces[i] += "\n```"
            pieces[i + 1] = "```\n" + pieces[i + 1]
    return pieces


def _split(text: str, size: int) -> list[str]:
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def text_blocks(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}}
            for piece in _chunks(to_mrkdwn(text.strip()), MAX_SECTION_TEXT) if piece.strip()]


def image_block(url: str, alt: str | None = None) -> dict:
    alt = (alt or url.rsplit("/", 1)[-1] or "image")[:MAX_ALT_TEXT]
    return {"type": "image", "image_url": url, "alt_text": alt}


def button_blocks(buttons: list[dict]) -> list[dict]:
    """Rasa buttons -> actions blocks (25 buttons each); a button's value is its payload."""
    elements = []
    for index, button in enumerate(buttons):
        payload = str(button.get("payload") or button.get("title") or "")
        if not payload:
            continue
        title = str(button.get("title") or payload)[:MAX_BUTTON_TEXT]
        elements.append({
            "type": "button",
            "action_id": f"tutor_button_{index}",  # unique within the message, as Slack requires
            "text": {"type": "plain_text", "text": title, "emoji": True},
            "value": payload[:MAX_BUTTON_VALUE],
        })
    return [{"type": "actions", "elements": elements[i:i + MAX_ACTIONS]}
            for i in range(0, len(elements), MAX_ACTIONS)]


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def metric_fields(metrics: dict) -> list[dict]:
    """Scalar metrics as section fields (Slack allows 10); nested values stay in the web page."""
    fields = [{"type": "mrkdwn",
               "text": f"*{_escape(str(name))}*\n{_escape(_number(value))}"[:MAX_FIELD_TEXT]}
              for name, value in metrics.items()
              if isinstance(value, (int, float, str)) and not isinstance(value, bool)]
    return fields[:MAX_FIELDS]


def _job_title(payload: dict) -> str:
    skill = str(payload.get("skill") or "").replace("_", " ")
    return f"Job #{payload.get('job_id')}" + (f" ({skill})" if skill else "")


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_TEXT]}}


def custom_blocks(custom: Any, has_text: bool) -> tuple[list[dict], dict]:
    """Blocks for a custom payload, and extra chat.postMessage arguments.

    Tutor's payloads come as {"data": {...}} (tutor/payloads.py). A finished result becomes a
    short summary with its metrics as fields; a failed or stopped result and progress, when no
    text came with them, a line of text. The other types (job, faq, models, cancelled, lesson)
    are machine-readable twins of the message's text and add nothing in Slack. Anything else is
    taken as Slack message arguments, as Rasa does.
    """
    if not isinstance(custom, dict):
        return [], {}
    payload = custom.get("data")
    if isinstance(payload, dict) and "type" in payload:
        kind = payload["type"]
        if kind == "result" and payload.get("status") == "succeeded":
            fields = metric_fields(payload.get("metrics") or {})
            if has_text:  # the message's text says it all once; the card adds only its numbers
                return ([{"type": "section", "fields": fields}] if fields else []), {}
            lines = [f"*{_escape(_job_title(payload))}: finished.*"]
            if payload.get("text") or payload.get("summary"):
                lines.append(to_mrkdwn(str(payload.get("text") or payload["summary"])))
            block = _section("\n".join(lines))
            if fields:
                block["fields"] = fields
            return [block], {}
        if kind == "result" and not has_text:
            error = f": {payload['error']}" if payload.get("error") else "."
            return text_blocks(f"{_job_title(payload)} {payload.get('status', 'ended')}{error}"), {}
        if kind == "staff":  # a message from course staff, labelled as theirs
            label = {"type": "context", "elements": [
                {"type": "mrkdwn", "text": f"*{_escape(str(payload.get('sender') or 'Course staff'))}*"}]}
            return [label, *text_blocks(str(payload.get("text") or ""))], {}
        if kind == "progress" and not has_text:
            percent = round(float(payload.get("progress") or 0) * 100)
            note = payload.get("note") or "working"
            return text_blocks(f"{_job_title(payload)} is running: {note} ({percent}%)."), {}
        return [], {}
    if isinstance(payload, dict):
        return [], {}
    # Rasa's convention: a custom message is chat.postMessage arguments (blocks, attachments...).
    extra = {k: v for k, v in custom.items()
             if k not in ("channel", "as_user", "thread_ts", "blocks", "text")}
    blocks = list(custom.get("blocks") or [])
    if not blocks and custom.get("text"):
        blocks = text_blocks(str(custom["text"]))
    return blocks, extra


def _plain(blocks: list[dict]) -> str:
    for block in blocks:
        if block.get("type") == "section" and block.get("text"):
            return block["text"]["text"]
        if block.get("type") == "image":
            return block["alt_text"]
    return ""


def render(message: dict) -> dict | None:
    """One Rasa bot message (text, image, buttons, quick_replies, attachment, custom) -> the
    arguments of one chat.postMessage (`text` is the notification fallback), or None if it says
    nothing Slack can show."""
    blocks: list[dict] = []
    extra: dict = {}
    text = (message.get("text") or "").strip()
    if text:
        blocks += text_blocks(text)
    if message.get("image"):
        blocks.append(image_block(str(message["image"])))
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if buttons:
        blocks += button_blocks(buttons)
    attachment = message.get("attachment")
    if isinstance(attachment, dict) and attachment.get("type") == "image":
        src = (attachment.get("payload") or {}).get("src")
        if src:
            blocks.append(image_block(str(src)))
    elif isinstance(attachment, dict):
        extra["attachments"] = [attachment]
    if message.get("custom"):
        more, more_extra = custom_blocks(message["custom"], has_text=bool(text))
        blocks += more
        extra.update(more_extra)
    if not blocks and not extra:
        return None
    fallback = to_mrkdwn(text) if text else _plain(blocks)
    return {"text": (fallback or "Tutor")[:MAX_FALLBACK_TEXT], "blocks": blocks[:MAX_BLOCKS], **extra}
