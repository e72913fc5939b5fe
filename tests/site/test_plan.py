"""casebook.site.plan: the site's pages are decided without any site engine."""

from __future__ import annotations

import subprocess
import sys

from sitebuild import copy_demo


def test_plan_lists_every_public_case_and_imports_no_engine(tmp_path):
    root = copy_demo(tmp_path / "p")
    code = (
        "import sys\n"
        "from casebook.load.project import open_project\n"
        "from casebook.site.plan import Site\n"
        f"project = open_project({str(root)!r})\n"
        "plan = Site(project).plan()\n"
        "print(sorted(p.src_uri for p in plan.pages if p.case is not None))\n"
        "print([c.case.slug for c in project.public_cases])\n"
        "print('mkdocs' in sys.modules, 'material' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    pages, slugs = eval(out[0]), eval(out[1])  # noqa: S307 - our own printout
    assert pages == sorted(f"cases/{slug}.md" for slug in slugs)
    assert out[2] == "False False"


def test_pdf_links_on_the_index_and_tag_pages_only_when_the_build_makes_pdfs(tmp_path):
    from casebook.load.project import open_project
    from casebook.site.plan import Site

    project = open_project(copy_demo(tmp_path / "p"))
    tag = sorted({t.casefold() for c in project.public_cases for t in c.case.tags})[0]
    with_pdf, without = Site(project, pdf=True), Site(project, pdf=False)
    assert 'href="pdf/portfolio.pdf"' in with_pdf.render_index("")
    assert "All cases as PDF" in with_pdf.render_index("")
    assert f'href="../../pdf/tags/{tag}.pdf"' in with_pdf.render_index("../../", tag=tag)
    # no PDFs built: no link to a file that is not there
    assert "pdf/portfolio.pdf" not in without.render_index("")
    assert f"pdf/tags/{tag}.pdf" not in without.render_index("../../", tag=tag)


def test_the_pdf_links_say_when_a_pdf_holds_only_the_most_recent_cases(tmp_path):
    """portfolio_max caps the portfolio and every tag's PDF: the link must not promise all cases."""
    from casebook.load.project import open_project
    from casebook.site.plan import Site

    project = open_project(copy_demo(tmp_path / "p"))
    counts: dict[str, int] = {}
    for c in project.public_cases:
        for t in {t.casefold() for t in c.case.tags}:
            counts[t] = counts.get(t, 0) + 1
    big = max(counts, key=counts.get)
    small = min(counts, key=counts.get)
    assert counts[big] > 1 >= counts[small]
    capped = Site(project, pdf=True, pdf_max=1)
    assert "The 1 most recent as PDF" in capped.render_index("")
    assert "All cases as PDF" not in capped.render_index("")
    assert "The 1 most recent as PDF" in capped.render_index("../../", tag=big)
    assert "These cases as PDF" in capped.render_index("../../", tag=small)
    assert "All cases as PDF" in Site(project, pdf=True, pdf_max=0).render_index("")
