"""PDF exports of the demo project: case PDFs, portfolios and client reports.

The demo PDFs are built once per test process (session fixture) into a
temporary folder; the chart SVG cache is shared with the checkout's
.casebook-cache so repeated runs stay quick, the PDFs themselves are
rendered anew every session.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from casebook.errors import CasebookError
from casebook.load.project import Project, folder_name, open_project

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.xdist_group("pdf")]

MAX_CASE_BYTES = 500_000


# --------------------------------------------------------------------------
# helpers


_READERS: dict[Path, PdfReader] = {}


def read(path: Path) -> PdfReader:
    """One reader per file for the session (the files are not changed by the tests)."""
    if path not in _READERS:
        _READERS[path] = PdfReader(io.BytesIO(path.read_bytes()))
    return _READERS[path]


def squash(text: str) -> str:
    """Text without whitespace or soft hyphens: PDF extraction breaks lines anywhere."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s\u00ad\u200b]+", "", text)


_TEXTS: dict[int, list[str]] = {}


def page_texts(reader: PdfReader) -> list[str]:
    """Extracted text per page, once per reader (pypdf's extraction is slow)."""
    key = id(reader)
    if key not in _TEXTS:
        _TEXTS[key] = [page.extract_text() or "" for page in reader.pages]
    return _TEXTS[key]


def all_text(reader: PdfReader) -> str:
    return "\n".join(page_texts(reader))


def outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)

    walk(reader.outline)
    return out


def link_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            if action is not None and action.get_object().get("/URI"):
                uris.append(str(action.get_object()["/URI"]))
    return uris


def fonts_without_file(reader: PdfReader) -> list[str]:
    """Names of fonts that are not embedded (no FontFile, FontFile2 or FontFile3)."""
    missing = []
    seen = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        fonts = resources.get_object().get("/Font") or {}
        for _name, ref in fonts.get_object().items():
            font = ref.get_object()
            key = id(font)
            if key in seen:
                continue
            seen.add(key)
            descriptors = []
            if font.get("/FontDescriptor") is not None:
                descriptors.append(font["/FontDescriptor"].get_object())
            for desc in font.get("/DescendantFonts") or []:
                d = desc.get_object().get("/FontDescriptor")
                if d is not None:
                    descriptors.append(d.get_object())
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs drawn in the PDF itself
            if not descriptors or not all(
                any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors
            ):
                missing.append(str(font.get("/BaseFont")))
    return missing



def drawn_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font the pages and the pictures drawn on them (a chart is a form) use: name -> embedded."""
    fonts: dict[str, bool] = {}
    seen: set[int] = set()

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for _name, ref in (resources.get("/Font") or {}).items():
            font = ref.get_object()
            descriptors = [font["/FontDescriptor"].get_object()] if "/FontDescriptor" in font else []
            descriptors += [d.get_object()["/FontDescriptor"].get_object() for d in font.get("/DescendantFonts") or []]
            fonts[str(font.get("/BaseFont"))] = bool(descriptors) and all(
                any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors)
        for _name, ref in (resources.get("/XObject") or {}).items():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form" and id(form) not in seen:
                seen.add(id(form))
                walk(form.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts


# --------------------------------------------------------------------------
# the build, once


@dataclass
class Demo:
    project: Project
    site: Path
    private: Path
    cache: Path
    by_tag: Path
    by_slugs: Path
    tag: str
    slugs: list[str]
    seconds: float


def _pick_tag(project: Project) -> str:
    """A tag on some but not all public cases, and on a private one if possible."""
    public = project.public_cases
    private_tags = {t for c in project.private_cases for t in c.case.tags}
    counts: dict[str, int] = {}
    for c in public:
        for t in c.case.tags:
            counts[t] = counts.get(t, 0) + 1
    candidates = sorted((t for t, n in counts.items() if 0 < n < len(public)),
                        key=lambda t: (t not in private_tags, -counts[t], t))
    return candidates[0]


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Demo:
    """The demo PDFs, built once for the whole run.

    Under pytest-xdist every worker has its own session, so the first one
    builds into the run's shared temporary folder (under a file lock) and the
    others read what it made.
    """
    project = open_project(REPO)
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    out = shared / "casebook-pdf-demo"
    tag = _pick_tag(project)
    slugs = [c.case.slug for c in project.public_cases][::-2][:2]
    with open(shared / "casebook-pdf-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = out / "seconds.txt"
        if not done.is_file():
            seconds = _build(project, out, tag, slugs)
            done.write_text(str(seconds), "utf-8")
        seconds = float(done.read_text("utf-8"))
    return Demo(project, out / "site", out / "private", out / "cache", out / "by-tag.pdf", out / "by-slugs.pdf",
                tag, slugs, seconds)


def _build(project: Project, out: Path, tag: str, slugs: list[str]) -> float:
    from casebook.render.charts.static import ChartRenderer
    from casebook.build.pdfs import build_portfolio_pdf, build_private_outputs, build_public_pdfs

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cache = out / "cache"
    # charts come from the checkout's chart cache; PDFs are rendered anew
    site = SimpleNamespace(charts=ChartRenderer(REPO / ".casebook-cache" / "charts"))
    started = time.perf_counter()
    build_public_pdfs(project, site, out / "site", cache_dir=cache)
    build_private_outputs(project, out / "private", cache_dir=cache)
    build_portfolio_pdf(project, out / "by-tag.pdf", tag=tag, site=site, cache_dir=cache)
    build_portfolio_pdf(project, out / "by-slugs.pdf", slugs=slugs, site=site, cache_dir=cache)
    return time.perf_counter() - started


def public_ids(demo: Demo) -> list[str]:
    return [c.case.slug for c in demo.project.public_cases]


def test_demo_has_public_private_and_report_cases(demo):
    cases = demo.project.cases
    assert demo.project.public_cases and demo.project.private_cases
    assert any(c.case.kind == "report" for c in cases)
    assert any(c.case.locale == "ru" for c in demo.project.public_cases)


# --------------------------------------------------------------------------
# case PDFs


def test_every_public_case_has_its_pdf_and_nothing_else_is_public(demo):
    names = sorted(p.name for p in (demo.site / "pdf").iterdir())
    assert names == sorted([f"{s}.pdf" for s in public_ids(demo)] + ["portfolio.pdf", "tags"])
    # one PDF per tag of the public cases (the tag pages link them), and no other
    tags = {t.casefold() for c in demo.project.public_cases for t in c.case.tags}
    assert {p.name for p in (demo.site / "pdf" / "tags").iterdir()} == {f"{t}.pdf" for t in tags}
    assert not list(demo.site.rglob("*.html")), "private HTML never goes under the site"


@pytest.mark.parametrize("index", range(8))
def test_case_pdf(demo, index):
    public = demo.project.public_cases
    if index >= len(public):
        pytest.skip("fewer demo cases")
    loaded = public[index]
    case = loaded.case
    path = demo.site / "pdf" / f"{case.slug}.pdf"
    size = path.stat().st_size
    assert size < MAX_CASE_BYTES, f"{path.name} is {size} bytes"
    reader = read(path)
    assert 1 <= len(reader.pages) <= 2, f"{case.slug}: {len(reader.pages)} pages"
    text = squash(all_text(reader))

    from casebook.render.views import case_view

    view = case_view(loaded)
    assert squash(view.headline) in text, "the headline is extractable text"
    assert squash(case.title) in text
    if case.locale.startswith("ru"):
        assert re.search(r"[А-Яа-яЁё]{4,}", all_text(reader)), "Cyrillic text is extractable"
        assert squash("Ключевые результаты") in text
    assert squash(demo.project.profile.name) in text, "the specialist's name is on the PDF"
    assert fonts_without_file(reader) == [], "every font is embedded"

    titles = outline_titles(reader)
    assert titles and titles[0] == case.title, "the outline follows the headings"
    assert len(titles) >= 3

    uris = link_uris(reader)
    web = demo.project.profile.site_url.rstrip("/") + f"/cases/{case.slug}/"
    assert web in uris, "the case on the web is a clickable link"
    assert any(u.startswith("mailto:") for u in uris)

    meta = reader.metadata
    assert meta["/Title"] == case.title
    assert meta["/Author"] == demo.project.profile.name
    assert str(meta["/CreationDate"]).startswith("D:")
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]) == case.locale
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "a tagged PDF"
    assert "/EmbeddedFiles" not in (root.get("/Names") or {}), "no attachments"


def test_chart_labels_are_drawn_in_the_font_they_were_measured_in(demo):
    # vl-convert lays out each label in charts.style.FONT_FAMILY (Liberation Sans);
    # print.css names it "CB Chart", so the PDF embeds it once a chart is drawn,
    # and the case's own text stays in Noto Sans ("CB Sans")
    from casebook.pdf import compose
    from casebook.render.charts.static import ChartRenderer

    # the chart font first, then the bundled symbols (the rouble sign Liberation Sans lacks)
    assert compose.PRINT_CHART_FONT.startswith("CB Chart, CB Symbols, ")

    ctx = compose.Context(demo.project, charts=ChartRenderer(REPO / ".casebook-cache" / "charts"))
    russian = [c for c in demo.project.public_cases if c.case.locale.startswith("ru")]
    assert russian
    charted: list[str] = []
    for loaded in demo.project.public_cases:
        reader = read(demo.site / "pdf" / f"{loaded.case.slug}.pdf")
        fonts = drawn_fonts(reader)
        assert all(fonts.values()), f"{loaded.case.slug}: every font is embedded: {fonts}"
        assert any(name.endswith("+CB-Sans") for name in fonts)
        if 'class="cb-pchart"' in compose.case_doc(ctx, loaded).html:
            charted.append(loaded.case.slug)
            # regular labels and bold ones (axis titles): each from its own file, not a made-up bold
            faces = {n.split("+")[-1] for n in fonts}
            assert {"CB-Chart", "CB-Chart-Bold"} <= faces, f"{loaded.case.slug}: {sorted(faces)}"
    assert len(charted) >= len(demo.project.public_cases) // 2, charted
    assert any(any(n.endswith("+CB-Chart") for n in drawn_fonts(read(demo.site / "pdf" / f"{c.case.slug}.pdf")))
               for c in russian), "a Russian case's chart labels (Cyrillic) are in the chart font"


def test_private_cases_have_no_public_pdf(demo):
    for loaded in demo.project.private_cases:
        assert not (demo.site / "pdf" / f"{loaded.case.slug}.pdf").exists()


# --------------------------------------------------------------------------
# portfolios


def toc_page(reader: PdfReader) -> str:
    return page_texts(reader)[1]


def _case_titles_in(reader: PdfReader, project: Project) -> dict[str, bool]:
    text = squash(all_text(reader)[len(page_texts(reader)[0]) + len(toc_page(reader)):])
    return {c.case.slug: squash(c.case.title) in text for c in project.cases}


def test_default_portfolio_holds_every_public_case_and_no_private_one(demo):
    reader = read(demo.site / "pdf" / "portfolio.pdf")
    toc = squash(toc_page(reader))
    for loaded in demo.project.cases:
        title = squash(loaded.case.title)
        if loaded.case.is_public:
            assert title in toc, f"{loaded.case.slug} in the contents"
        else:
            assert title not in squash(all_text(reader)), f"private {loaded.case.slug} left out"
            assert loaded.case.slug not in all_text(reader)
    found = _case_titles_in(reader, demo.project)
    assert all(found[c.case.slug] for c in demo.project.public_cases)
    titles = outline_titles(reader)
    for loaded in demo.project.public_cases:
        assert loaded.case.title in titles
    assert reader.metadata["/Author"] == demo.project.profile.name
    assert fonts_without_file(reader) == []


def test_portfolio_contents_give_the_right_page_numbers(demo):
    reader = read(demo.site / "pdf" / "portfolio.pdf")
    texts = [squash(t) for t in page_texts(reader)]
    toc = " ".join(page_texts(reader)[1].split())
    for loaded in demo.project.public_cases:
        title = squash(loaded.case.title)
        m = re.search(re.escape(" ".join(loaded.case.title.split())) + r" ?\.{3,} ?(\d+)\b", toc)
        assert m, f"{loaded.case.slug}: no page number in the contents"
        page = int(m.group(1))
        assert page <= len(texts)
        assert texts[page - 1].find(title) != -1, f"{loaded.case.slug} is not on page {page}"
        assert all(title not in t for t in texts[2:page - 1]), "each case starts where the contents say"


def test_portfolio_contents_link_to_each_case_and_claim_no_tags(demo):
    reader = read(demo.site / "pdf" / "portfolio.pdf")
    texts = [squash(t) for t in page_texts(reader)]
    titles = {c.case.slug: squash(c.case.title) for c in demo.project.public_cases}
    jumps = {}
    for annot in reader.pages[1].get("/Annots", []) or []:
        a = annot.get_object()
        action = a.get("/A")
        assert not (action and "/URI" in action.get_object()), "a contents link stays in the file"
        if "/Dest" in a:
            page = reader.get_page_number(a["/Dest"][0].get_object())
            jumps[page] = texts[page]
    assert len(jumps) == len(titles), "one link a case"
    for slug, title in titles.items():
        assert any(title in text for text in jumps.values()), f"{slug}: its link jumps to its first page"
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" not in root and "/MarkInfo" not in root, "joined parts: not claimed as tagged"
    assert root.get("/Lang"), "the language stays"


def test_contents_in_several_parts_still_number_and_link_every_case(demo, tmp_path, monkeypatch):
    """The contents are rendered in parts (an edit re-renders one); with two entries a part the
    numbers and jumps must still land on each case's first page."""
    from casebook.build.pdfs import build_portfolio_pdf, compose

    monkeypatch.setattr(compose, "CONTENTS_PER_PART", 2)
    site = SimpleNamespace(charts=None)
    from casebook.render.charts.static import ChartRenderer

    site.charts = ChartRenderer(REPO / ".casebook-cache" / "charts")
    out = build_portfolio_pdf(demo.project, tmp_path / "parts.pdf", site=site, cache_dir=demo.cache)
    reader = read(out)
    texts = [squash(t) for t in page_texts(reader)]
    public = demo.project.public_cases
    contents_pages = -(-len(public) // 2)
    assert len(texts) == 1 + contents_pages + sum(
        len(read(demo.site / "pdf" / f"{c.case.slug}.pdf").pages) for c in public)
    toc = " ".join(" ".join(page_texts(reader)[i].split()) for i in range(1, 1 + contents_pages))
    jumps = {}
    for i in range(1, 1 + contents_pages):
        for annot in reader.pages[i].get("/Annots", []) or []:
            a = annot.get_object()
            if "/Dest" in a:
                jumps[reader.get_page_number(a["/Dest"][0].get_object())] = True
    for loaded in public:
        m = re.search(re.escape(" ".join(loaded.case.title.split())) + r" ?\.{3,} ?(\d+)\b", toc)
        assert m, f"{loaded.case.slug}: no page number in the contents"
        page = int(m.group(1))
        assert squash(loaded.case.title) in texts[page - 1]
        assert page - 1 in jumps, f"{loaded.case.slug}: its contents link jumps to page {page}"


def test_site_portfolio_can_hold_only_the_most_recent_cases(demo, tmp_path):
    """An agency's all-cases portfolio would run to thousands of pages: the site's holds the newest
    `portfolio_max` public cases, and its cover says how many of how many."""
    from casebook.build.pdfs import build_public_pdfs

    site = SimpleNamespace(charts=None)
    from casebook.render.charts.static import ChartRenderer

    site.charts = ChartRenderer(REPO / ".casebook-cache" / "charts")
    build_public_pdfs(demo.project, site, tmp_path / "site", cache_dir=demo.cache, portfolio_max=1)
    reader = read(tmp_path / "site" / "pdf" / "portfolio.pdf")
    public = demo.project.public_cases
    newest = public[:1]
    assert all(p.case.period.end >= o.case.period.end for p in newest for o in public[1:])
    toc = squash(toc_page(reader))
    assert {c.case.slug for c in public if squash(c.case.title) in toc} == {c.case.slug for c in newest}
    cover = " ".join(page_texts(reader)[0].split())
    assert f"1 most recent of {len(public)}" in cover
    # every case still has its own PDF
    assert {p.name for p in (tmp_path / "site" / "pdf").glob("*.pdf")} >= {f"{c.case.slug}.pdf" for c in public}
    # each tag's PDF is capped the same way, and says so
    assert any(sum(tag in c.case.tags for c in public) > 1 for tag in {t for c in public for t in c.case.tags})
    for tag in {t.casefold() for c in public for t in c.case.tags}:
        tagged = [c for c in public if tag in {t.casefold() for t in c.case.tags}]
        reader = read(tmp_path / "site" / "pdf" / "tags" / f"{tag}.pdf")
        toc = squash(toc_page(reader))
        assert {c.case.slug for c in tagged if squash(c.case.title) in toc} == {c.case.slug for c in tagged[:1]}
        cover = " ".join(page_texts(reader)[0].split())
        assert (f"1 most recent of {len(tagged)}" in cover) == (len(tagged) > 1), tag


def test_portfolio_by_tag_holds_exactly_the_tagged_public_cases(demo):
    reader = read(demo.by_tag)
    expected = {c.case.slug for c in demo.project.public_cases if demo.tag in c.case.tags}
    assert expected and expected != set(public_ids(demo))
    toc = squash(toc_page(reader))
    in_toc = {c.case.slug for c in demo.project.cases if squash(c.case.title) in toc}
    assert in_toc == expected
    found = _case_titles_in(reader, demo.project)
    assert {s for s, ok in found.items() if ok} == expected
    assert set(outline_titles(reader)) >= {c.case.title for c in demo.project.cases if c.case.slug in expected}


def test_portfolio_by_slugs_keeps_the_chosen_cases_in_order(demo):
    reader = read(demo.by_slugs)
    toc = squash(toc_page(reader))
    by_slug = {c.case.slug: c.case for c in demo.project.cases}
    in_toc = {s for s, c in by_slug.items() if squash(c.title) in toc}
    assert in_toc == set(demo.slugs)
    positions = [toc.index(squash(by_slug[s].title)) for s in demo.slugs]
    assert positions == sorted(positions), "the order the user chose"
    found = _case_titles_in(reader, demo.project)
    assert {s for s, ok in found.items() if ok} == set(demo.slugs)


def test_portfolio_selection_refuses_private_and_unknown_cases(demo):
    from casebook.build.pdfs import select_cases

    private = demo.project.private_cases[0].case.slug
    with pytest.raises(CasebookError, match="public cases only"):
        select_cases(demo.project, slugs=[private])
    with pytest.raises(CasebookError, match="no case with slug"):
        select_cases(demo.project, slugs=["no-such-case"])
    with pytest.raises(CasebookError, match="tagged"):
        select_cases(demo.project, tag="no-such-tag")
    private_only = {t for c in demo.project.private_cases for t in c.case.tags} - {
        t for c in demo.project.public_cases for t in c.case.tags}
    if private_only:
        with pytest.raises(CasebookError):
            select_cases(demo.project, tag=sorted(private_only)[0])


# --------------------------------------------------------------------------
# client reports and other private output


def test_private_output_goes_to_the_client_folder(demo):
    for loaded in demo.project.private_cases:
        folder = demo.private / folder_name(loaded.case.client.name)
        assert (folder / f"{loaded.case.slug}.pdf").is_file()
        html = (folder / f"{loaded.case.slug}.html").read_text("utf-8")
        assert "<style>" in html and 'href="print.css"' not in html, "a standalone page"
        assert "file:" not in html and str(REPO) not in html


def test_report_pdf_has_the_report_sections(demo):
    from casebook.render.i18n import translator

    reports = [c for c in demo.project.private_cases if c.case.kind == "report"]
    assert reports
    for loaded in reports:
        case = loaded.case
        t = translator(case.locale)
        path = demo.private / folder_name(case.client.name) / f"{case.slug}.pdf"
        reader = read(path)
        text = squash(all_text(reader))
        keys = ["summary", "kpis", "per_platform", "previous_period", "this_period", "target", "status",
                "appendix"]
        if case.report.why:
            keys.append("why")
        if case.report.plan:
            keys.append("plan")
        if case.report.asks:
            keys.append("asks")
        if case.report.top_content:
            keys.append("top_content")
        for key in keys:
            assert squash(t.t(f"ui.{key}")).casefold() in text.casefold(), f"{case.slug}: section {key}"
        for item in case.report.top_content:
            assert squash(item.title) in text
        # the appendix defines the case's ER and every derived metric it shows, with its basis
        from casebook.compute import metrics as m
        from casebook import registry
        from casebook.render.views import definition

        shown = [m.resolve("er", case.engagement_rate)]
        shown += [g.metric for g in case.goals if registry.metrics()[g.metric].formula]
        for metric in shown:
            assert squash(definition(t, metric)) in text, f"{case.slug}: definition of {metric} in the appendix"
        assert squash(case.client.name) in text, "a private report names its client"
        if case.report.branding and case.report.branding.name:
            assert squash(case.report.branding.name) in text
        titles = outline_titles(reader)
        assert t.t("ui.appendix") in titles
        assert fonts_without_file(reader) == []
        assert reader.metadata["/Title"] == case.title
        # never in the public site (the portfolio test checks its text)
        assert not any(case.slug in p.name for p in demo.site.rglob("*"))


def test_private_output_refuses_the_site_folder(tmp_path):
    from casebook.build.pdfs import build_private_outputs

    project = open_project(REPO)
    with pytest.raises(CasebookError, match="public site"):
        build_private_outputs(project, REPO / "site" / "private")


# --------------------------------------------------------------------------
# reproducible and cached


def test_same_input_gives_the_same_bytes(demo):
    from casebook.pdf import compose, engine
    from casebook.build.pdfs import _roots

    loaded = demo.project.public_cases[0]
    from casebook.render.charts.static import ChartRenderer

    ctx = compose.Context(demo.project, charts=ChartRenderer(REPO / ".casebook-cache" / "charts"))
    doc = compose.case_doc(ctx, loaded)
    roots = _roots(demo.project, ctx.charts, demo.cache)
    first = engine.render_html(doc.html, doc.base_url, roots).data
    second = engine.render_html(doc.html, doc.base_url, roots).data
    assert first == second
    assert first == (demo.site / "pdf" / f"{loaded.case.slug}.pdf").read_bytes()


def test_unchanged_pdfs_come_from_the_cache(demo, tmp_path):
    from casebook.build.pdfs import build_public_pdfs

    site = SimpleNamespace(charts=None)
    from casebook.render.charts.static import ChartRenderer

    site.charts = ChartRenderer(REPO / ".casebook-cache" / "charts")
    stats = build_public_pdfs(demo.project, site, tmp_path / "site", cache_dir=demo.cache)
    assert stats.rendered == 0 and stats.cached == len(stats.jobs)
    for job in stats.jobs:
        assert job.out.read_bytes() == (demo.site / "pdf" / job.out.name).read_bytes()
    assert (tmp_path / "site" / "pdf" / "portfolio.pdf").read_bytes() == (demo.site / "pdf" / "portfolio.pdf").read_bytes()


def test_changed_input_is_rendered_again(demo, tmp_path):
    """A print document's cache key follows its HTML: the same document hits, a changed one renders anew."""
    from casebook.build.pdfs import _roots
    from casebook.pdf.compose import PdfDoc, base_url
    from casebook.pdf.engine import cache_key, render_html

    html = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            '<link rel="stylesheet" href="print.css"></head><body><h1>{}</h1></body></html>')
    roots = _roots(demo.project, None, demo.cache)
    doc = PdfDoc("case", "a", html.format("First"), base_url(), "t")
    changed = PdfDoc("case", "a", html.format("Second"), base_url(), "t")
    assert cache_key(doc, roots) == cache_key(PdfDoc("case", "a", html.format("First"), base_url(), "t"), roots)
    assert cache_key(changed, roots) != cache_key(doc, roots)
    out = tmp_path / "a.pdf"
    out.write_bytes(render_html(changed.html, changed.base_url, roots).data)
    assert "Second" in read_fresh(out)


def read_fresh(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_progress_shows_only_on_a_terminal_for_many_pdfs(monkeypatch):
    from casebook.pdf import engine

    monkeypatch.setattr(engine.sys.stderr, "isatty", lambda: False, raising=False)
    assert isinstance(engine._progress(20, "PDF"), engine._NoProgress)
    monkeypatch.setattr(engine.sys.stderr, "isatty", lambda: True, raising=False)
    assert isinstance(engine._progress(engine.PROGRESS_MIN - 1, "PDF"), engine._NoProgress)
    bar = engine._progress(engine.PROGRESS_MIN, "PDF")
    try:
        assert isinstance(bar, engine._RichProgress)
        bar.advance()
    finally:
        bar.close()


def test_workers_follow_the_cores_and_the_environment(monkeypatch):
    from casebook.pdf import engine

    monkeypatch.delenv("CASEBOOK_PDF_WORKERS", raising=False)
    assert engine.worker_count(1) == 1
    assert 1 <= engine.worker_count(50) <= engine.MAX_WORKERS
    monkeypatch.setenv("CASEBOOK_PDF_WORKERS", "1")
    assert engine.worker_count(50) == 1
