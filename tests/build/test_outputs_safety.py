"""Where builds write: never over the inputs, never one output inside another,
the configured site_dir honoured, "nothing changed" aware of the whole
configuration, and public output dated by public work only (issue 16:
defects 1, 4, 6 and 13)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from casebook.cli import main
from casebook.errors import CasebookError
from sitebuild import copy_demo

slow = pytest.mark.slow  # the tests that build the demo; refusals are quick


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(root: Path, *args: str, env: dict | None = None):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        os.chdir(cwd)


def set_plugin_option(root: Path, key: str, value: str) -> None:
    """Set (or replace) one option of the casebook plugin in mkdocs.yml."""
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    if re.search(rf"^      {key}: .*$", text, flags=re.MULTILINE):
        text = re.sub(rf"^      {key}: .*$", f"      {key}: {value}", text, flags=re.MULTILINE)
    else:
        text = text.replace("      profile: profile.yaml", f"      profile: profile.yaml\n      {key}: {value}")
    config.write_text(text, "utf-8")


def set_site_dir(root: Path, value: str) -> None:
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"^site_dir: .*$", f"site_dir: {value}", config.read_text("utf-8"),
                             flags=re.MULTILINE), "utf-8")


@pytest.fixture
def project(tmp_path):
    return copy_demo(tmp_path / "p")


# -- defects 1 and 4: no output over an input, none inside another ----------------

REFUSED = [
    pytest.param(["-d", "cases"], {}, id="site-is-cases"),
    pytest.param(["-d", "."], {}, id="site-is-project"),
    pytest.param(["-d", ".."], {}, id="site-contains-project"),
    pytest.param(["-d", "pages"], {}, id="site-is-pages"),
    pytest.param(["-d", "cases/media"], {}, id="site-inside-cases"),
    pytest.param(["--private", "--private-dir", "cases"], {}, id="private-is-cases"),
    pytest.param(["--private", "--private-dir", "."], {}, id="private-is-project"),
    pytest.param(["--private", "--private-dir", "site"], {}, id="private-is-site"),
    pytest.param(["-d", "out/site", "--private", "--private-dir", "out"], {}, id="private-contains-site"),
    pytest.param(["--private"], {"cache_dir": "site/cache"}, id="cache-inside-site"),
    pytest.param(["--private"], {"cache_dir": "private/cache"}, id="cache-inside-private"),
    pytest.param([], {"cache_dir": "cases"}, id="cache-is-cases"),
    pytest.param([], {"cache_dir": "pages/.cache"}, id="cache-inside-pages"),
    pytest.param([], {"site_dir": "cases"}, id="site_dir-is-cases"),
]


@pytest.mark.parametrize(("args", "config"), REFUSED)
def test_an_output_over_the_inputs_or_another_output_is_refused(project, args, config):
    for key, value in config.items():
        if key == "site_dir":
            set_site_dir(project, value)
        else:
            set_plugin_option(project, key, value)
    cases, pages = snapshot(project / "cases"), snapshot(project / "pages")
    config_text = (project / "mkdocs.yml").read_text("utf-8")
    outside = project.parent / "beside.txt"
    outside.write_text("a file beside the project", "utf-8")

    result = run(project, "build", "--no-pdf", "-q", *args)

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    message = [line for line in result.output.splitlines() if "refusing" in line]
    assert len(message) == 1, result.output
    assert "nothing was written" in message[0]
    assert snapshot(project / "cases") == cases
    assert snapshot(project / "pages") == pages
    assert (project / "mkdocs.yml").read_text("utf-8") == config_text
    assert outside.read_text("utf-8") == "a file beside the project"
    # nothing was written: no site, no private folder, no cache where the refused one would be
    for name in ("site", "private", "out"):
        assert not (project / name).exists(), name
    assert not (project / "pages" / ".cache").exists()
    assert not list(project.glob(".*.building-*"))


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_plain_mkdocs_build_refuses_a_cache_inside_the_site(project):
    set_plugin_option(project, "cache_dir", "site/cache")
    proc = mkdocs_build(project)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "refusing to write the cache folder" in proc.stderr and "lies inside the site folder" in proc.stderr
    assert not (project / "site" / "cache").exists()


def test_plain_mkdocs_build_refuses_the_cases_folder_as_site(project):
    """MkDocs empties its site folder before building: the plugin refuses first."""
    set_site_dir(project, "cases")
    cases = snapshot(project / "cases")
    proc = mkdocs_build(project)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "refusing to write the site folder" in proc.stderr and "is the cases folder" in proc.stderr
    assert snapshot(project / "cases") == cases


def test_pdf_refuses_to_overwrite_an_input_file(project):
    case = next((project / "cases").glob("*.yaml"))
    before = case.read_bytes()
    for target in (f"cases/{case.name}", "mkdocs.yml", "profile.yaml", "pages/index.md"):
        if not (project / target).exists():
            continue
        result = run(project, "pdf", "-o", target)
        assert result.exit_code == 1, (target, result.output)
        assert "refusing to write" in result.output and "Traceback" not in result.output
    assert case.read_bytes() == before


@slow
def test_site_dir_of_mkdocs_yml_is_honoured(project):
    set_site_dir(project, "public")
    result = run(project, "build", "--no-pdf", "-q")
    assert result.exit_code == 0, result.output
    assert (project / "public" / "index.html").is_file()
    assert not (project / "site").exists()
    assert str(project / "public") in result.output


# -- defect 6: "nothing changed" covers inherited configuration and !ENV values ----


def _why_not_current(project: Path) -> str:
    """What the last build recorded against what the site holds now, for a failing "nothing changed"."""
    from casebook.build.state import BuildState, files_signature

    state = BuildState(project / ".casebook-cache")
    site = str((project / "site").resolve())
    entry = state.entry(Path(site))
    if not entry:
        return f"no record of {site}"
    same = entry.get("outputs") == files_signature([Path(site)], own_only=True)
    return f"the site's files {'match' if same else 'differ from'} the record; otherwise the inputs changed"


@slow
def test_inherited_configuration_and_env_values_are_inputs(project):
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    base_name = re.search(r"^site_name: .*$", text, flags=re.MULTILINE).group(0)
    text = text.replace(base_name + "\n", "")
    text += "copyright: !ENV [CB_TEST_NOTE, 'no note']\n"  # shown in every page's footer
    config.write_text("INHERIT: base.yml\n" + text, "utf-8")
    (project / "base.yml").write_text("INHERIT: deeper/base2.yml\n", "utf-8")
    (project / "deeper").mkdir()
    (project / "deeper" / "base2.yml").write_text("site_name: First Name\n", "utf-8")
    env = {"CB_TEST_NOTE": "Note one"}

    assert run(project, "build", "--no-pdf", "-q", env=env).exit_code == 0
    why = _why_not_current(project)  # seen once in a full run: a second identical build was a real one
    assert "nothing changed" in run(project, "build", "--no-pdf", "-q", env=env).output, why

    # an edit two INHERITs away is an edit of the configuration
    (project / "deeper" / "base2.yml").write_text("site_name: Second Name\n", "utf-8")
    result = run(project, "build", "--no-pdf", "-q", env=env)
    assert result.exit_code == 0, result.output
    assert "nothing changed" not in result.output
    assert "Second Name" in (project / "site" / "index.html").read_text("utf-8")
    assert "nothing changed" in run(project, "build", "--no-pdf", "-q", env=env).output

    # a value read through !ENV is an input too
    result = run(project, "build", "--no-pdf", "-q", env={"CB_TEST_NOTE": "Note two"})
    assert result.exit_code == 0, result.output
    assert "nothing changed" not in result.output
    assert "Note two" in (project / "site" / "index.html").read_text("utf-8")


# -- defect 13: public output dated by public work only ---------------------------


@slow
def test_public_dates_come_from_public_cases_only():
    """The demo's client report ends after every public case: no public date may say so."""
    from pypdf import PdfReader

    from sitebuild import demo_build

    if os.environ.get("SOURCE_DATE_EPOCH"):
        pytest.skip("SOURCE_DATE_EPOCH is set: it dates every output, public or not")
    built = demo_build()
    project = built.project
    newest_public = max(c.case.period.end for c in project.public_cases)
    newest_private = max(c.case.period.end for c in project.private_cases)
    assert newest_private > newest_public, "the demo must have private work newer than the public work"

    sitemap = (built.site / "sitemap.xml").read_text("utf-8")
    lastmods = {dt.date.fromisoformat(d) for d in re.findall(r"<lastmod>([0-9-]+)</lastmod>", sitemap)}
    assert lastmods, "the sitemap dates its pages"
    assert max(lastmods) <= newest_public, sorted(lastmods)

    pdfs = sorted((built.site / "pdf").glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        created = PdfReader(pdf).metadata.creation_date
        assert created is not None, pdf.name
        assert created.date() <= newest_public, (pdf.name, created)

    # a private PDF is dated by its own work: the October report says 31 October
    from casebook.load.project import folder_name

    for loaded in project.private_cases:
        case = loaded.case
        pdf = built.private / folder_name(case.client.name) / f"{case.slug}.pdf"
        assert PdfReader(pdf).metadata.creation_date.date() == case.period.end, case.slug


# -- a folder of the user's is never swapped away ------------------------------


@pytest.mark.parametrize("option", ["-d", "--private-dir"])
def test_a_folder_holding_the_users_own_files_is_not_replaced(tmp_path, project, option):
    documents = tmp_path / "Documents"
    (documents / "taxes").mkdir(parents=True)
    (documents / "taxes" / "2025.xlsx").write_bytes(b"the user's own file")
    (documents / "notes.txt").write_text("keep me", "utf-8")
    before = snapshot(documents)
    args = ["build", "--no-pdf", option, str(documents)] + (["--private"] if option == "--private-dir" else [])
    result = run(project, *args)
    assert result.exit_code == 1, result.output
    assert "refusing to replace" in result.output and "holds files no casebook build made" in result.output
    assert snapshot(documents) == before
    assert "Traceback" not in result.output


def test_an_empty_folder_or_a_built_site_may_be_the_output(tmp_path, project):
    empty = tmp_path / "empty"
    empty.mkdir()
    from casebook.build.outputs import check_replaceable

    check_replaceable([("site folder", empty)])
    built = tmp_path / "built"
    (built / "search").mkdir(parents=True)
    (built / "index.html").write_text("<html></html>", "utf-8")
    check_replaceable([("site folder", built)])  # an MkDocs site from elsewhere: replaced, as MkDocs would
    private = tmp_path / "private" / "client"
    private.mkdir(parents=True)
    (private / "report.pdf").write_bytes(b"%PDF-1.7")
    check_replaceable([("private folder", tmp_path / "private")])


# -- the user's files in the output folder ----------------------------------------


@slow
def test_a_rebuild_keeps_the_dot_entries_of_the_site_folder(project):
    """site/ as a gh-pages checkout: .git and .well-known/ stay through every build, as with MkDocs."""
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    site = project / "site"
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", "utf-8")
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:me@example.com\n", "utf-8")
    result = run(project, "build", "--no-pdf", "-q", "--force")
    assert result.exit_code == 0, result.output
    assert (site / ".git" / "HEAD").read_text("utf-8") == "ref: refs/heads/gh-pages\n"
    assert (site / ".well-known" / "security.txt").is_file()
    assert (site / "index.html").is_file()
    assert not list(project.glob(".site.*"))


def test_a_hand_written_site_folder_is_not_replaced(tmp_path, project):
    """index.html and 404.html of the user's own site beside a CV and photos: not a casebook build."""
    mysite = tmp_path / "mysite"
    (mysite / "photos").mkdir(parents=True)
    (mysite / "index.html").write_text("hi", "utf-8")
    (mysite / "404.html").write_text("nf", "utf-8")
    (mysite / "cv.docx").write_bytes(b"my cv")
    (mysite / "photos" / "me.jpg").write_bytes(b"a photo")
    before = snapshot(mysite)
    result = run(project, "build", "--no-pdf", "-d", str(mysite))
    assert result.exit_code == 1, result.output
    assert "refusing to replace the site folder" in result.output and "(such as cv.docx)" in result.output
    assert "Traceback" not in result.output
    assert snapshot(mysite) == before


def test_a_site_built_elsewhere_may_be_replaced(tmp_path, project):
    """What a build writes at the top, a page's folder, a file of pages/ and the user's dot-entries."""
    from casebook.build.outputs import check_replaceable

    site = tmp_path / "site"
    for folder in ("assets", "search", "cases", "contact", ".git"):
        (site / folder).mkdir(parents=True)
    for name in ("index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "contact/index.html", ".nojekyll"):
        (site / name).write_text("x", "utf-8")
    (project / "pages" / "robots.txt").write_text("User-agent: *\n", "utf-8")
    (site / "robots.txt").write_text("User-agent: *\n", "utf-8")
    check_replaceable([("site folder", site)], pages=project / "pages")
    (site / "photos").mkdir()  # no index.html: not a page's folder
    with pytest.raises(CasebookError, match=r"such as photos\)"):
        check_replaceable([("site folder", site)], pages=project / "pages")


@slow
def test_a_file_the_user_added_to_the_built_site_is_not_deleted(project):
    """CNAME or a search-console file dropped into site/: the build refuses and names it, rather than delete it."""
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    site = project / "site"
    for added in ("CNAME", "cases/notes.txt"):
        (site / added).write_text("portfolio.example.com\n", "utf-8")
        before = snapshot(site)
        result = run(project, "build", "--no-pdf", "-q", "--force")
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        lines = [line for line in result.output.splitlines() if "refusing" in line]
        assert len(lines) == 1 and f": {added} in it is not a file a build wrote" in lines[0], result.output
        assert f"move it into the pages folder {project / 'pages'} if it should be published" in lines[0]
        assert snapshot(site) == before
        (site / added).unlink()
    (project / "pages" / "CNAME").write_text("portfolio.example.com\n", "utf-8")  # where it belongs
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    assert run(project, "build", "--no-pdf", "-q", "--force").exit_code == 0  # a build's own output: replaced
    assert (site / "CNAME").read_text("utf-8") == "portfolio.example.com\n"


@slow
def test_a_folder_recreated_where_a_site_was_built_is_not_replaced(project):
    """The state remembers the folder's files, not the folder: the user's own files put there later stay."""
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    site = project / "site"
    shutil.rmtree(site)
    site.mkdir()
    (site / "index.html").write_text("my own page", "utf-8")
    (site / "draft.html").write_text("mine", "utf-8")
    result = run(project, "build", "--no-pdf", "-q", "--force")
    assert result.exit_code == 1 and "draft.html in it is not a file a build wrote" in result.output, result.output
    assert (site / "draft.html").read_text("utf-8") == "mine"


def test_a_folder_of_the_users_pdfs_and_json_is_not_taken_as_the_private_folder(tmp_path, project):
    """Invoices and settings are PDFs and JSON too: only casebook's layout (client/<slug>.pdf, .html) is replaced."""
    reports = tmp_path / "myreports"
    reports.mkdir()
    (reports / "invoice-2024.pdf").write_bytes(b"%PDF-1.4 my invoice")
    (reports / "settings.json").write_text('{"a": 1}', "utf-8")
    (reports / "acme").mkdir()
    (reports / "acme" / "Contract signed.pdf").write_bytes(b"%PDF-1.4 signed")
    before = snapshot(reports)
    result = run(project, "build", "--no-pdf", "--private", "--private-dir", str(reports))
    assert result.exit_code == 1, result.output
    assert "refusing to replace the private folder" in result.output and "Traceback" not in result.output
    assert snapshot(reports) == before
    (reports / "invoice-2024.pdf").unlink()
    (reports / "settings.json").unlink()
    result = run(project, "build", "--no-pdf", "--private", "--private-dir", str(reports))
    assert result.exit_code == 1 and "(such as acme/Contract signed.pdf)" in result.output, result.output
    assert snapshot(reports) == {"acme/Contract signed.pdf": b"%PDF-1.4 signed"}


def test_casebooks_private_layout_may_be_replaced(tmp_path):
    from casebook.build.outputs import check_replaceable

    private = tmp_path / "private"
    (private / "halo-halo-haus").mkdir(parents=True)
    (private / "halo-halo-haus" / "report-2025-11.pdf").write_bytes(b"%PDF-1.7")
    (private / "halo-halo-haus" / "report-2025-11.html").write_text("<p>report</p>", "utf-8")
    (private / ".git").mkdir()
    check_replaceable([("private folder", private)])
    (private / "halo-halo-haus" / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(CasebookError, match="halo-halo-haus/notes.txt"):
        check_replaceable([("private folder", private)])


@slow
def test_the_private_folder_is_recorded_like_the_site(project):
    """A PDF of the user's put beside a client's report, named like one, is not casebook's: refused, kept."""
    assert run(project, "build", "--no-pdf", "-q", "--private").exit_code == 0
    client = next(p for p in sorted((project / "private").iterdir()) if p.is_dir())
    (client / "signed-contract.pdf").write_bytes(b"%PDF-1.4 signed")
    result = run(project, "build", "--no-pdf", "-q", "--private", "--force")
    assert result.exit_code == 1, result.output
    assert f"{client.name}/signed-contract.pdf in it is not a file a build wrote" in result.output
    assert (client / "signed-contract.pdf").read_bytes() == b"%PDF-1.4 signed"


@slow
def test_casebook_build_replaces_what_a_plain_mkdocs_build_wrote(project):
    """The demo's mkdocs.yml says `mkdocs build` works too: a page it published is a build's file, not the user's."""
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    (project / "pages" / "notes.md").write_text("# Notes\n\nSome notes.\n", "utf-8")
    proc = mkdocs_build(project)
    assert proc.returncode == 0, proc.stderr
    assert (project / "site" / "notes" / "index.html").is_file()
    result = run(project, "build", "--no-pdf", "-q")
    assert result.exit_code == 0, result.output
    (project / "pages" / "notes.md").unlink()
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    assert not (project / "site" / "notes").exists()


def test_a_site_built_with_pages_as_files_may_be_replaced(tmp_path, project):
    """use_directory_urls: false writes about.html and <page>.html beside index.html (no record after an upgrade
    or an emptied cache): a build's pages, not the user's files."""
    from casebook.build.outputs import check_replaceable

    site = tmp_path / "site"
    (site / "cases").mkdir(parents=True)
    (project / "pages" / "contact.md").write_text("# Contact\n", "utf-8")
    for name in ("index.html", "404.html", "sitemap.xml", "about.html", "contact.html", "cases/a.html"):
        (site / name).write_text("x", "utf-8")
    check_replaceable([("site folder", site)], pages=project / "pages")
    (site / "notes.html").write_text("mine", "utf-8")  # no pages/notes.md: the user's
    with pytest.raises(CasebookError, match=r"such as notes.html\)"):
        check_replaceable([("site folder", site)], pages=project / "pages")


def test_a_folder_holding_only_dot_entries_takes_a_first_build(tmp_path):
    """A gh-pages worktree (its .git alone) as the site folder: the build writes there and keeps the .git."""
    from casebook.build.outputs import check_replaceable

    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", "utf-8")
    check_replaceable([("site folder", site)])
    (site / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(CasebookError, match="notes.txt"):
        check_replaceable([("site folder", site)])
