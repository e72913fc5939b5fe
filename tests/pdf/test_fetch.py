"""casebook.pdf.fetch: a render reads only data: URIs and files under its roots."""

from __future__ import annotations

import pytest

from casebook.pdf.fetch import FetchRefused, url_fetcher


def test_outside_hosts_and_files_outside_the_roots_are_refused(tmp_path):
    (tmp_path / "ok.css").write_text("h1{}")
    fetch = url_fetcher([tmp_path])
    assert fetch.check_path((tmp_path / "ok.css").as_uri()) == (tmp_path / "ok.css").resolve()
    with pytest.raises(FetchRefused):
        fetch.check_path("file:///etc/passwd")
    with pytest.raises(FetchRefused):
        fetch.fetch("https://example.com/x.css")
