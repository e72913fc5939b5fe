"""casebook schema: the JSON Schema for editors, on stdout or into a file."""

from __future__ import annotations

import json


def test_schema_is_json_and_names_the_case_fields(casebook, tmp_path):
    result = casebook("schema", "-o", tmp_path / "case.schema.json")
    assert result.returncode == 0
    schema = json.loads((tmp_path / "case.schema.json").read_text("utf-8"))
    assert {"slug", "title", "client", "period"} <= set(schema["properties"])
