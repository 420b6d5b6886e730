"""Read one lesson file: YAML with node positions, then the pydantic models, every problem as an
Error at the line and column of the YAML node it is about (1-based)."""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from curriculum.model import FIELD_NAMES, LESSON_SKILLS, STEP_TYPES, Lesson

SCHEMA_COMMENT = "# yaml-language-server: $schema=./lesson.schema.json"


@dataclass(frozen=True, order=True)
class Error:
    """One problem in a lesson file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class AliasRefused(yaml.MarkedYAMLError):
    """A lesson file used a YAML alias (`*name`)."""


class LessonLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans: only true/false are booleans, so a branch's
    `on:` key stays the string "on" (YAML 1.1 would read it, and yes/no/off, as booleans).

    Aliases are refused: a lesson never needs one, and nine lines of aliases to aliases (a
    "billion laughs" bomb, 358 bytes) expanded to 9^7 values and took 0.5 s, ten times more per
    extra line, in the validator and in every walk over the data (issue 14). Without aliases
    the document's node tree is as big as its text, so loading and checking are linear
    (docs/decisions.md, D29)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(None, None, f"'*{event.anchor}' is a YAML alias, and lesson files "
                               "may not use aliases: write the value out in full", event.start_mark)
        return super().compose_node(parent, index)


LessonLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
LessonLoader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                   re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))

Loc = tuple[str | int, ...]


class Source:
    """A lesson file's text and YAML node tree, to turn a field path into a position."""

    def __init__(self, filename: str, root: yaml.Node | None):
        self.filename = filename
        self.root = root

    def find(self, loc: Iterable[str | int]) -> tuple[yaml.Node | None, yaml.Node | None]:
        """(value node, key node) at the deepest part of `loc` present in the file; loc parts
        that name nothing here (pydantic's union tags, a missing field) are skipped."""
        node, key = self.root, None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                        node, key = value_node, key_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                    and 0 <= part < len(node.value):
                node, key = node.value[part], None
        return node, key

    def error(self, loc: Loc, message: str, *, at_key: bool = False) -> Error:
        node, key = self.find(loc)
        target = key if at_key and key is not None else node
        if target is None:
            return Error(self.filename, 1, 1, message)
        return Error(self.filename, target.start_mark.line + 1, target.start_mark.column + 1, message)

    def line_of(self, loc: Loc) -> int:
        return self.error(loc, "").line



def did_you_mean(name: str, known, style: str = "(") -> str:
    """" (did you mean 'x'?)" for the closest known name, "; did you mean 'x'?" with style ";",
    or "" when nothing is close: every "unknown name" error offers the same hint."""
    match = difflib.get_close_matches(name, list(known), n=1)
    if not match:
        return ""
    return f"; did you mean '{match[0]}'?" if style == ";" else f" (did you mean '{match[0]}'?)"


def read_yaml(text: str, filename: str) -> tuple[Any, Source | None, list[Error]]:
    """(data, source, errors): the YAML document as Python values and as nodes."""
    try:
        loader = LessonLoader(text)  # the reader checks the characters here already
    except yaml.reader.ReaderError as error:
        return None, None, [_bad_character(text, filename, error)]
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except AliasRefused as error:
        mark = error.problem_mark
        return None, None, [Error(filename, mark.line + 1, mark.column + 1, error.problem)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable YAML"
        message = (f"this is not valid YAML: {problem}. Check the indentation, and put quotes around "
                   "text that contains ': ' or starts with a special character")
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, None, [Error(filename, line, column, message)]
    except yaml.YAMLError as error:
        return None, None, [Error(filename, 1, 1, f"this is not valid YAML: {error}")]
    except RecursionError:  # PyYAML composes nested lists and maps recursively
        return None, None, [Error(filename, 1, 1, "the lists and sections in this file are nested "
                                                  "too deeply to read")]
    finally:
        loader.dispose()
    source = Source(filename, node)
    return data, source, _duplicate_keys(node, filename)


def _bad_character(text: str, filename: str, error: yaml.reader.ReaderError) -> Error:
    """A control character YAML refuses (found by fuzzing: it raised instead of an error)."""
    before = text[:error.position]
    line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
    return Error(filename, line, column, f"this file contains the control character "
                                         f"#x{error.character:04x}, which YAML does not allow: "
                                         "delete it (it often comes from copy and paste)")


def _duplicate_keys(node: yaml.Node | None, filename: str) -> list[Error]:
    errors: list[Error] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in current.value:
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if name is not None and name in seen:
                    errors.append(Error(filename, key_node.start_mark.line + 1,
                                        key_node.start_mark.column + 1,
                                        f"'{name}' appears twice here (first on line "
                                        f"{seen[name].start_mark.line + 1}); only the last one "
                                        "would count"))
                elif name is not None:
                    seen[name] = key_node
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return errors


def parse_lesson(text: str, filename: str) -> tuple[Lesson | None, Source | None, list[Error]]:
    """One file's Lesson (None when it does not fit the format), its Source and its errors.
    Only the file's own shape is checked here; curriculum.validate checks the rest."""
    data, source, errors = read_yaml(text, filename)
    if source is None:
        return None, None, errors
    if data is None:
        return None, source, errors + [Error(filename, 1, 1, "the file is empty: a lesson needs id, "
                                                             "title, chapters, minutes and steps")]
    if not isinstance(data, dict):
        return None, source, errors + [source.error((), "a lesson file must be a set of "
                                                        "'field: value' lines (id, title, chapters, "
                                                        "minutes, steps), not a list or plain text")]
    try:
        lesson = Lesson.model_validate(data)
    except ValidationError as invalid:
        errors += [schema_error(source, detail) for detail in invalid.errors(include_url=False)]
        return None, source, errors
    return lesson, source, errors


# ---- pydantic errors in plain words ------------------------------------------------------------

def _field(loc: Loc) -> str:
    names = [part for part in loc if isinstance(part, str) and part not in _TAGS]
    return f"'{names[-1]}'" if names else "this value"


_TAGS = {"say", "ask", "run", "checkpoint", "branch", "choice", "short", "quiz-condition",
         "metric-condition"}


def _expected(ctx: dict) -> str:
    return ctx.get("expected", "").replace("'", "")


def plain_message(detail: dict, field: str | None = None) -> str:
    """A pydantic error detail in words a non-programmer understands."""
    kind, ctx, loc = detail["type"], detail.get("ctx") or {}, tuple(detail["loc"])
    field = field or _field(loc)
    simple = {
        "string_type": f"{field} should be text",
        "int_type": f"{field} should be a whole number",
        "int_parsing": f"{field} should be a whole number",
        "int_from_float": f"{field} should be a whole number",
        "float_type": f"{field} should be a number",
        "float_parsing": f"{field} should be a number",
        "finite_number": f"{field} should be a finite number",
        "bool_type": f"{field} should be true or false",
        "bool_parsing": f"{field} should be true or false",
        "list_type": f"{field} should be a list (one '- item' per line)",
        "tuple_type": f"{field} should be a list (one '- item' per line)",
        "dict_type": f"{field} should be a set of 'name: value' lines",
        "model_type": f"{field} should be a set of 'name: value' lines",
        "model_attributes_type": f"{field} should be a set of 'name: value' lines",
        "string_too_short": f"{field} must not be empty",
        "string_too_long": f"{field} is too long (at most {ctx.get('max_length')} characters)",
        "greater_than_equal": f"{field} must be at least {ctx.get('ge')}",
        "greater_than": f"{field} must be more than {ctx.get('gt')}",
        "less_than_equal": f"{field} must be at most {ctx.get('le')}",
        "less_than": f"{field} must be less than {ctx.get('lt')}",
        "literal_error": f"{field} should be one of: {_expected(ctx)}",
        "enum": f"{field} should be one of: {_expected(ctx)}",
    }
    if kind == "literal_error" and field == "'skill'":
        return (f"unknown skill '{detail.get('input')}': a run step can use "
                f"{', '.join(LESSON_SKILLS)}")
    if kind in simple:
        return simple[kind]
    if kind == "missing":
        step_types = [part for part in loc if part in STEP_TYPES]
        if step_types and loc[-2] in STEP_TYPES + ("choice", "short"):
            where = f"this {step_types[0]} step"
        elif len(loc) == 1:
            where = "the lesson"
        else:
            where = "this part of the lesson"
        return f"{where} is missing {field}"
    if kind == "extra_forbidden":
        name = _field(loc).strip("'")
        return f"unknown field '{name}'{did_you_mean(name, FIELD_NAMES)}"
    if kind == "too_short" and field == "'accept'":
        return "this short-answer question has no accepted answer: list at least one under 'accept'"
    if kind == "too_short" and field == "'options'":
        return "a choice question needs at least 2 options"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"{field} needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        return f"{field} has too many items (at most {ctx.get('max_length')})"
    if kind == "string_pattern_mismatch":
        return (f"{field} must be a short id: lowercase letters, digits, '-' and '_' "
                "(starting with a letter or digit)")
    if kind == "union_tag_invalid":
        what = ctx.get("discriminator", "").strip("'")
        return f"unknown {what} '{ctx.get('tag')}' (use one of: {ctx.get('expected_tags', '').replace(chr(39), '')})"
    if kind == "union_tag_not_found":
        what = ctx.get("discriminator", "").strip("'")
        if what == "type":
            return "this step has no 'type' (say, ask, run, checkpoint or branch)"
        if what == "kind":
            return "this question has no 'kind' (choice or short)"
        return f"'{what}' is missing"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    return f"{field}: {detail['msg']}"


def schema_error(source: Source, detail: dict) -> Error:
    kind, loc, ctx = detail["type"], tuple(detail["loc"]), detail.get("ctx") or {}
    if kind == "union_tag_invalid":  # point at the bad `type:`/`kind:` value
        loc = loc + (ctx.get("discriminator", "").strip("'"),)
    if kind == "model_attributes_type" and len(loc) == 2 and loc[0] == "steps":
        return source.error(loc, "each step must be a set of 'field: value' lines starting with "
                                 "'id' and 'type'")
    return source.error(loc, plain_message(detail), at_key=kind == "extra_forbidden")
