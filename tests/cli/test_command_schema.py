"""casebook schema: the JSON Schema for editors, on stdout or into a file."""

from __future__ import annotations

import json


def test_schema_is_json_and_names_the_case_fields(casebook, tmp_path):
    result = casebook("schema", "-o", tmp_path / "case.schema.json")
    assert result.returncode == 0
    schema = json.loads((tmp_path / "case.schema.json").read_text("utf-8"))
    assert {"slug", "title", "client", "period"} <= set(schema["properties"])


def test_schema_never_replaces_a_file_that_is_not_casebooks_schema(casebook, tmp_path):
    """-o at a case file, profile.yaml or mkdocs.yml: refused in one line, the file kept."""
    from sitebuild import copy_demo

    root = copy_demo(tmp_path / "p")
    case = sorted((root / "cases").glob("*.yaml"))[0].relative_to(root).as_posix()
    (root / "notes.json").write_text('{"title": "my notes"}\n', "utf-8")
    for name in (case, "profile.yaml", "mkdocs.yml", "notes.json"):
        before = (root / name).read_bytes()
        result = casebook("schema", "-o", name, cwd=root)
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("casebook: refusing to"), result.stderr
        assert "nothing was written" in lines[0]
        assert (root / name).read_bytes() == before


def test_schema_replaces_an_earlier_schema(casebook, tmp_path):
    from sitebuild import copy_demo

    root = copy_demo(tmp_path / "p")
    assert casebook("schema", "-o", "docs/case.schema.json", cwd=root).returncode == 0
    schema = json.loads((root / "docs" / "case.schema.json").read_text("utf-8"))
    schema["properties"].pop("slug")  # an older casebook's
    (root / "docs" / "case.schema.json").write_text(json.dumps(schema), "utf-8")
    result = casebook("schema", "-o", "docs/case.schema.json", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "slug" in json.loads((root / "docs" / "case.schema.json").read_text("utf-8"))["properties"]
