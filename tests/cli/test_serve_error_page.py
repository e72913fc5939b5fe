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


def test_the_served_page_says_where_a_hidden_name_was_found_but_not_the_name(tmp_path, capsys):
    """The page may be seen on a shared screen or from the network (-a 0.0.0.0:8000): the terminal keeps the name."""
    from casebook.build.audit import audit
    from casebook.load.project import open_project
    from sitebuild import copy_demo

    project = open_project(copy_demo(tmp_path / "p"))
    private = project.private_cases[0].case.slug
    leaked = tmp_path / "leaked"
    (leaked / "pdf").mkdir(parents=True)
    (leaked / "clients").mkdir()
    (leaked / "clients" / "index.html").write_text("<p>We worked for Зерно.</p>", "utf-8")
    (leaked / "pdf" / f"{private}.pdf").write_bytes(b"%PDF-1.4")
    findings = [f.format() for f in audit(leaked, project)]  # the audit's own words
    assert any("Зерно" in f for f in findings) and any(private in f for f in findings)
    message = "\n".join([f"leak check failed with {len(findings)} finding(s); the site was emptied:", *findings,
                         "cases/a.yaml:12:3: summary: mentions the client name 'Зерно', which cases/b.yaml keeps "
                         "undisclosed; a public case must not name it",
                         "cases/a.yaml:14:8: cover: is the logo of the client 'Зерно', which cases/b.yaml keeps "
                         "undisclosed; a public case must not publish it (choose another picture)",
                         f"something else went wrong near {private}"])

    def failing_build(config, *args, **kwargs):
        raise ValueError(message)

    site = tmp_path / "site"
    site.mkdir()
    config = SimpleNamespace(site_dir=str(site), plugins={"casebook": SimpleNamespace(project=project)})
    _show_errors(failing_build)(config)
    page = (site / "index.html").read_text("utf-8")
    assert "Зерно" not in page and private not in page
    assert "clients/index.html: an undisclosed or private client name" in page
    assert "cases/a.yaml:12:3: summary: an undisclosed or private client name" in page
    assert "cases/a.yaml:14:8: cover: an undisclosed or private client name" in page
    assert "a published file&#39;s name: an undisclosed or private client name" in page
    terminal = capsys.readouterr().err
    assert "clients/index.html: undisclosed or private client name: Зерно" in terminal and private in terminal


def test_a_request_outside_the_site_path_waits_for_the_running_rebuild(tmp_path):
    """With site_url https://x/portfolio/, /elsewhere got the 404.html of a rebuild not yet audited."""
    import threading

    from mkdocs.livereload import LiveReloadServer

    from casebook.cli.serve import waiting_server

    site = tmp_path / "site"
    site.mkdir()
    (site / "404.html").write_text("written by a rebuild the audit has not read", "utf-8")
    server = waiting_server(LiveReloadServer)(builder=lambda: None, host="127.0.0.1", port=0, root=str(site),
                                              mount_path="/portfolio/")
    server.error_handler = lambda code: (site / "404.html").read_bytes()
    with server._epoch_cond:  # a rebuild has started (as LiveReloadServer marks one)
        server._wanted_epoch += 1
    answers: list[bytes] = []
    asker = threading.Thread(target=lambda: answers.extend(
        server.serve_request({"PATH_INFO": "/elsewhere"}, lambda status, headers: None)))
    asker.start()
    asker.join(0.5)
    assert asker.is_alive() and not answers  # held while the rebuild runs
    (site / "404.html").write_text("the audited 404 page", "utf-8")
    with server._epoch_cond:  # the rebuild is done
        server._visible_epoch = server._wanted_epoch
        server._epoch_cond.notify_all()
    asker.join(5)
    assert answers == [b"the audited 404 page"]
    server.server_close()


def test_a_save_that_does_not_load_still_hides_the_names_the_last_rebuild_knew(tmp_path):
    """A broken case file is the usual failure: the plugin has no project then, and the page once showed a
    private case's file name and the loader's warning naming the client."""
    from casebook.load.project import open_project
    from sitebuild import copy_demo

    project = open_project(copy_demo(tmp_path / "p"))
    private = project.private_cases[0].case.slug
    plugin = SimpleNamespace(project=project)
    site = tmp_path / "site"
    site.mkdir()
    config = SimpleNamespace(site_dir=str(site), plugins={"casebook": plugin})
    message = "\n".join([f"cases/{private}.yaml:3:1: period: expected a mapping",
                         "cases/k.yaml:4:12: warning: headline: may mention the undisclosed client name 'Зерно' in "
                         "another grammatical case ('Зерну'); if it names the client, describe the client instead"])
    saves = iter([None, ValueError(message)])

    def mkdocs_build(config, *args, **kwargs):
        failure = next(saves)
        if failure is not None:
            raise failure

    build = _show_errors(mkdocs_build)  # one wrapper, as serve keeps it between saves
    build(config)  # a good rebuild
    plugin.project = None  # the next save does not load
    build(config)
    page = (site / "index.html").read_text("utf-8")
    assert private not in page and "Зерно" not in page and "Зерну" not in page
    assert "cases/k.yaml:4:12: warning: headline: an undisclosed or private client name" in page
