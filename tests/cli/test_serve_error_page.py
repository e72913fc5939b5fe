"""casebook serve's error page: the failed build's message, as text, at every address of the served folder."""

from __future__ import annotations

from types import SimpleNamespace

from casebook.cli.serve import _show_errors


def test_the_error_page_shows_the_message_as_text_and_replaces_the_site(tmp_path):
    site = tmp_path / "site"
    (site / "cases" / "old").mkdir(parents=True)
    (site / "cases" / "old" / "index.html").write_text("the last good build", encoding="utf-8")

    def failing_build(config, *args, **kwargs):
        raise ValueError('cases/a.yaml:3:1: title: <script>alert(1)</script> & "quotes"')

    _show_errors(failing_build)(SimpleNamespace(site_dir=str(site)))

    for name in ("index.html", "404.html"):
        page = (site / name).read_text(encoding="utf-8")
        assert page.startswith("<!doctype html>")
        assert 'http-equiv="refresh"' in page  # it reloads itself until a good build is back
        assert "cases/a.yaml:3:1: title: &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page
        assert "<script>" not in page
    assert not (site / "cases").exists()  # the broken site is not served beside the error
