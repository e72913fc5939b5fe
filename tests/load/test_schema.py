"""The JSON Schema and the field reference: generated, committed, never stale."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from casebook.render import reference as docsgen
from casebook import registry
from casebook.cli import main
from casebook.load.model import Case, Profile
from casebook.settings import SCAFFOLD_DIR

REPO = Path(__file__).resolve().parents[2]
CASE_FILES = sorted((REPO / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _jsonable(value):
    """YAML data as JSON would carry it: dates as ISO strings, keys included."""
    if isinstance(value, dict):
        return {(k.isoformat() if isinstance(k, dt.date) else k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _load(path: Path) -> dict:
    return _jsonable(yaml.safe_load(path.read_text("utf-8")))


def _errors(validator, data) -> list[str]:
    """Every error, including those inside anyOf branches (an optional field is anyOf [X, null])."""
    out = []

    def collect(error):
        out.append(f"{'/'.join(map(str, error.absolute_path))}: {error.message}")
        for sub in error.context or ():
            collect(sub)

    for error in validator.iter_errors(data):
        collect(error)
    return out


def test_schema_is_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_every_demo_case_validates(validator, path):
    assert _errors(validator, _load(path)) == []


@pytest.mark.parametrize("template", sorted(SCAFFOLD_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_scaffold_templates_validate(validator, template):
    text = template.read_text("utf-8").replace("__SLUG__", "new-case").replace("__LOCALE__", "en")
    assert _errors(validator, _jsonable(yaml.safe_load(text))) == []


def test_every_case_file_points_at_the_schema():
    for path in CASE_FILES + sorted(SCAFFOLD_DIR.glob("*.yaml")):
        first = path.read_text("utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../docs/case.schema.json", path.name


def test_misspelt_key_is_rejected(validator):
    data = _load(REPO / "cases" / "kazan-coffee-vk.yaml")
    top = copy.deepcopy(data)
    top["titel"] = top.pop("title")
    errors = _errors(validator, top)
    assert any("'titel' was unexpected" in e for e in errors), errors
    assert any("'title' is a required property" in e for e in errors), errors
    nested = copy.deepcopy(data)
    nested["actions"][0]["txt"] = nested["actions"][0].pop("text")
    assert any(e.startswith("actions/0:") and "'txt' was unexpected" in e for e in _errors(validator, nested))


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d.update(platforms=["vkontakte"]), "platforms/0"),
        (lambda d: d["after"]["metrics"]["vk"].update(followers=-1), "after/metrics/vk/followers"),
        (lambda d: d["after"]["metrics"]["vk"].update(reach="33 300"), "after/metrics/vk/reach"),
        (lambda d: d.update(slug="Zerno Coffee"), "slug"),
        (lambda d: d.update(engagement_rate="by_impressions"), "engagement_rate"),
        (lambda d: d["goals"][0].update(metric="engagement_rate"), "goals/0/metric"),
        (lambda d: d["period"].update(end="2025-02-30"), "period/end"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(validator, change, where):
    data = _load(REPO / "cases" / "kazan-coffee-vk.yaml")
    change(data)
    assert any(e.startswith(where + ":") for e in _errors(validator, data))


def test_schema_lists_platforms_for_editors(schema):
    platforms = sorted(registry.platforms())
    items = schema["properties"]["platforms"]["items"]
    assert items["enum"] == platforms


# --------------------------------------------------------------------------
# committed files equal fresh output


def test_committed_schema_is_current(schema):
    committed = (REPO / "docs" / "case.schema.json").read_text("utf-8")
    assert committed == docsgen.schema_json(), "run: python -m casebook.render.reference"
    assert json.loads(committed) == schema  # the command prints the same schema


def test_committed_reference_is_current():
    committed = (REPO / "docs" / "reference.md").read_text("utf-8")
    assert committed == docsgen.reference_markdown(), "run: python -m casebook.render.reference"


def test_docsgen_check_mode(tmp_path, monkeypatch, capsys):
    assert docsgen.main(["--check"]) == 0
    monkeypatch.setattr(docsgen, "DOCS_DIR", tmp_path)
    monkeypatch.setattr(docsgen, "outputs", lambda docs_dir=tmp_path: {
        tmp_path / docsgen.REFERENCE: docsgen.reference_markdown(),
        tmp_path / docsgen.SCHEMA: docsgen.schema_json(),
    })
    assert docsgen.main(["--check"]) == 1  # nothing written yet: stale
    assert "out of date" in capsys.readouterr().err
    assert docsgen.main([]) == 0
    assert (tmp_path / "reference.md").read_text("utf-8") == docsgen.reference_markdown()
    assert docsgen.main(["--check"]) == 0


def test_reference_names_every_field_platform_and_metric():
    text = docsgen.reference_markdown()
    for name in Case.model_fields:
        assert f"| `{name}` |" in text, name
    profile_part = text.split("## Profile", 1)[1].split("## Platforms", 1)[0]
    for name in Profile.model_fields:
        assert f"| `{name}` |" in profile_part, name
    for path in ("client.disclose_name", "after", "before.metrics.<platform>.engagements",
                 "actions[].when.start", "report.previous", "report.top_content[].url",
                 "report.branding.color", "media[].alt", "contacts.telegram"):
        assert f"| `{path}` |" in text, path
    for platform in registry.platforms():
        assert f"| `{platform}` |" in text
    for metric in registry.metrics():
        assert f"| `{metric}` |" in text
    # required and defaults as the model says
    assert "| `slug` | text matching `^[a-z0-9][a-z0-9-]{0,79}$` | yes |" in text
    assert "| `engagement_rate` | one of `by_followers`, `by_reach`, `by_views`, `by_post` |  | `by_reach` |" in text
    assert "| `cpl` | CPL | money | compares as it is; whole case: totals | lower | Spend ÷ Leads; totals over the period." in text
