"""The lesson file's JSON Schema (lessons/lesson.schema.json), generated from curriculum.model so
editors complete and check lesson YAML the same way the validator does."""

from typing import Any

from curriculum.model import Lesson


def json_schema() -> dict:
    """The JSON Schema of a lesson file, for editor completion (lessons/lesson.schema.json)."""
    schema = _drop_nested_discriminators(Lesson.model_json_schema())
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "lesson.schema.json", **schema}


def _drop_nested_discriminators(node: Any) -> Any:
    """pydantic writes the step union's OpenAPI `discriminator` with a nested object for `ask`
    (itself split on `kind`); OpenAPI mappings must be plain references, so drop that one. The
    `oneOf` lists, which JSON Schema validators and editors use, are unchanged."""
    if isinstance(node, list):
        return [_drop_nested_discriminators(item) for item in node]
    if not isinstance(node, dict):
        return node
    mapping = node.get("discriminator", {}).get("mapping", {})
    return {key: _drop_nested_discriminators(value) for key, value in node.items()
            if not (key == "discriminator" and not all(isinstance(v, str) for v in mapping.values()))}
