"""casebook.load.project_checks: the profile and hand-written pages must not name a hidden client."""

from __future__ import annotations

from casebook.load.cases import load_cases
from casebook.load.project_checks import pages_name_problems, project_layout

from sitebuild import copy_demo


def test_a_page_naming_a_hidden_client_is_a_located_problem(tmp_path):
    root = copy_demo(tmp_path / "p")
    cases_dir, _profile, docs_dir, exclude = project_layout(root)
    result = load_cases([cases_dir], root)
    hidden = next(c.case.client.name for c in result.cases if not c.case.client.disclose_name)
    (docs_dir / "notes.md").write_text(f"# Notes\n\nWorked with\n{hidden} last year.\n", "utf-8")
    problems = pages_name_problems(result.cases, docs_dir, root, exclude)
    assert [(p.file, p.line) for p in problems] == [("pages/notes.md", 4)]
