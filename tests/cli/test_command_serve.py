"""casebook serve: a missing configuration is a message, not a traceback."""

from __future__ import annotations


def test_serve_without_mkdocs_yml_says_so(casebook, tmp_path):
    result = casebook("serve", "-f", tmp_path / "missing.yml", cwd=tmp_path, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "missing.yml" in result.stderr


def test_serve_watches_the_project_and_its_themes_but_not_the_installed_theme_files(casebook, tmp_path, monkeypatch):
    """An idle `casebook serve` polled the 14,660 files of the installed Material theme twice a second
    (0.39 s of CPU a second on the demo, a whole core at 1,000 cases); what a user edits is still watched."""
    import socket
    from pathlib import Path

    import material
    from click.testing import CliRunner
    from mkdocs.livereload import LiveReloadServer

    from casebook.cli import main
    from casebook.settings import theme_dir

    project = tmp_path / "p"
    assert casebook("init", project, "--locale", "en").returncode == 0
    (project / "overrides").mkdir()
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "theme:\n  name: material\n" in text
    config.write_text(text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n"),
                      "utf-8")
    watched: list[Path] = []
    monkeypatch.setattr(LiveReloadServer, "watch", lambda self, path, *a, **k: watched.append(Path(path).resolve()))

    def stop(self, *args, **kwargs):
        raise KeyboardInterrupt  # the user pressed Ctrl-C once the server was set up

    monkeypatch.setattr(LiveReloadServer, "serve", stop)
    monkeypatch.chdir(project)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(main, ["serve", "-a", f"127.0.0.1:{port}"])
    assert result.exit_code == 0, result.output
    project = project.resolve()
    for edited in (project / "cases", project / "pages", project / "mkdocs.yml", project / "profile.yaml",
                   project / "overrides", theme_dir().resolve()):
        assert edited in watched, (edited, watched)
    installed = Path(material.__file__).resolve().parent
    assert not [p for p in watched if p == installed or installed in p.parents]


def test_a_port_whose_server_just_stopped_is_free_and_one_in_use_is_not():
    """Stopping serve and starting it again within a minute, after the browser had connected, was refused
    as 'port in use': the port still held the closed connections (TIME_WAIT)."""
    import socket

    import pytest

    from casebook.cli.serve import _port_free
    from casebook.errors import CasebookError

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    browser = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    with pytest.raises(CasebookError, match="in use"):
        _port_free(f"127.0.0.1:{port}")  # a server is listening
    served.close()  # the server closes first, as it does when it stops: its side waits in TIME_WAIT
    browser.close()
    listener.close()
    _port_free(f"127.0.0.1:{port}")  # no listener left: free
