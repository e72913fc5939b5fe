"""JSON Schema of the case format, generated from the model so it never drifts."""

from __future__ import annotations

from typing import Any

from casebook import registry

from .model import Case, Profile


def _enrich(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the known platforms and metrics as enums so editors can complete them."""
    platforms = sorted(registry.platforms())
    metric_ids = sorted(registry.metrics())

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            desc = node.get("description", "")
            if node.get("type") == "string" and desc.startswith("Platform id"):
                node["enum"] = platforms
            if node.get("type") == "string" and desc.startswith("Metric id"):
                node["enum"] = metric_ids
            if "propertyNames" in node and isinstance(node["propertyNames"], dict):
                pn = node["propertyNames"]
                if pn.get("description", "").startswith("Platform id"):
                    pn["enum"] = platforms
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def case_schema() -> dict[str, Any]:
    schema = Case.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "casebook case"
    return _enrich(schema)


def profile_schema() -> dict[str, Any]:
    schema = Profile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
