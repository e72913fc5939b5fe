"""casebook serve: serve the site and rebuild on change.

A build that fails does not leave the browser waiting: the served site is
replaced by one page that shows the error (file, line, message) and
reloads itself; the next good save brings the site back.  The page names
the file and what was found, never a hidden client name or private case
(it may be seen on a shared screen or from the network with ``-a
0.0.0.0:...``); the terminal shows the whole message.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from casebook.errors import CasebookError
from casebook.settings import epoch_problem

from .watching import Watcher


def _port_free(dev_addr: str) -> None:
    """A port already in use is one line, not a traceback after the first build."""
    host, _, port = dev_addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port)
    except ValueError:
        raise click.UsageError(f"--dev-addr {dev_addr!r} must be HOST:PORT, e.g. 127.0.0.1:8000") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as the server itself binds (http.server: allow_reuse_address): a port whose last server has stopped
        # and that only holds connections in TIME_WAIT (a minute after Ctrl-C) is free, one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, number))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CasebookError(f"port {number} on {host} is in use; stop the other server or pass "
                                    f"--dev-addr {host}:{number + 1}") from None
            raise CasebookError(f"cannot serve on {dev_addr}: {exc.strerror or exc}") from None


class _Errors(logging.Handler):
    """The error lines MkDocs logs while one build runs (its Abort says only 'Aborted with a BuildError!')."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class _Stderr(logging.StreamHandler):
    """Lines to whatever sys.stderr is when they are logged."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


@contextmanager
def _console():
    """What `mkdocs serve` prints, printed: the address, each rebuild, warnings. Without a handler of its
    own, serve printed nothing at all: INFO (the "Serving on" line) is below logging's last resort, and
    the build's warnings found the error collector below, so the last resort stayed silent too."""
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    loggers = [logging.getLogger(name) for name in ("mkdocs", "casebook")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.removeHandler(handler)
            logger.setLevel(level)


# What the audit and the loader say when they find a hidden name or a private case: the served page names the
# file and what was found, never the name (the terminal keeps the whole message).
_FINDING_RE = re.compile(r"^(?P<file>.+?): (?P<what>undisclosed or private client name|private case"
                         r"|undisclosed client name in a file name|private case in a file name): .*$")
_PROBLEM_RE = re.compile(r"^(?P<where>.+?:\d+:\d+: (?:warning: )?(?:[^\s:]+: )?)"
                         r"(?:mentions |may mention |is the logo of |is a file of the private "
                         r"|has the same bytes as ).*$")
HIDDEN = "an undisclosed or private client name or a private case (the terminal shows which)"


def for_the_page(message: str, project=None) -> str:
    """A failed build's message as the served page shows it: each line naming a hidden client or a private
    case says where, and what was found, not the name.

    The audit's findings and the loader's name problems are recognised by
    their form; with the ``project`` the build loaded, any other line
    holding a hidden name or private slug is replaced whole.
    """
    named = _naming(project)
    out = []
    for line in message.splitlines():
        finding, problem = _FINDING_RE.match(line), _PROBLEM_RE.match(line)
        if finding and finding["what"].endswith("in a file name"):
            out.append(f"a published file's name: {HIDDEN}")
        elif finding:
            out.append(f"{finding['file']}: {HIDDEN}")
        elif problem:
            out.append(f"{problem['where']}{HIDDEN}")
        elif named(line):
            out.append(f"(a line naming {HIDDEN})")
        else:
            out.append(line)
    return "\n".join(out)


def _naming(project):
    """A test: whether a line holds a hidden client name or a private slug of ``project`` (none without one)."""
    if project is None:
        return lambda line: False
    from casebook.build.audit import _rules  # deferred: as the build (loaded by then)
    from casebook.load.names import padded  # deferred: as above

    rules = _rules(project)
    return lambda line: (any(rule.found_in(padded(line)) for rule in rules.names.values())
                         or any(rx.search(line) for rx, _needs in rules.slugs.values()))


def _show_errors(original):
    """MkDocs' build, made to leave an error page in the served folder instead of failing the rebuild,
    and to link from the last rebuild's folder what did not change (casebook.build.rebuilds)."""
    from casebook.build.rebuilds import Rebuilds  # deferred: the build package is heavy and loaded only when serving
    from casebook.load import cache as load_cache  # deferred: as above (pydantic)

    rebuilds = Rebuilds()
    load_cache.keep_in_memory()  # every save loads the project again
    # the last project a rebuild loaded: a save that does not load (a broken case file) still has names to hide
    loaded: list = [None]

    def build(config, *args, **kwargs):
        from mkdocs.utils import clean_directory  # deferred: mkdocs is heavy and loaded only when this runs

        from casebook.render.templates import render  # deferred: as above (Jinja)

        seen = _Errors()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(seen)
        site = Path(config.site_dir)
        try:
            with rebuilds.around(site):
                plugin = config.plugins.get("casebook") if hasattr(config, "plugins") else None
                try:
                    original(config, *args, **kwargs)
                    loaded[0] = getattr(plugin, "project", None) or loaded[0]
                except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure is shown; the server keeps watching
                    rebuilds.forget()
                    message = "\n".join(dict.fromkeys(seen.lines)) or str(exc) or type(exc).__name__
                    clean_directory(str(site))
                    loaded[0] = getattr(plugin, "project", None) or loaded[0]
                    shown = for_the_page(message, loaded[0])
                    page = render("pages/build_error.html", message=shown)  # the template escapes the message
                    for name in ("index.html", "404.html"):
                        (site / name).write_text(page, encoding="utf-8")
                    click.echo(f"build failed (shown in the browser):\n{message}", err=True)
        finally:
            logger.removeHandler(seen)
    return build


def waiting_server(base):
    """MkDocs' LiveReloadServer, answering every request (not only those under the site's path) once
    the running rebuild is done.

    MkDocs waits for a rebuild before it serves a file of the site, but a
    request outside the site's path (a ``site_url`` with a path, such as
    ``https://x/portfolio/``) got the site's 404.html at once: during a
    rebuild, a page the audit had not yet read, which could name a hidden
    client.  The browser's reload polls (``/livereload/``) are left to MkDocs.
    Where MkDocs' private names are not there (another version), the class is
    MkDocs' own.

    It watches files with :class:`casebook.cli.watching.Watcher`: the file
    system's change events where it sends them, instead of MkDocs' polling
    (a snapshot of every case file twice a second).
    """

    class WaitingServer(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            polled = getattr(self, "observer", None)
            if polled is not None and hasattr(polled, "schedule"):  # MkDocs' polling observer, no watch yet
                self.observer = Watcher(getattr(polled, "timeout", 0.5))

        def serve_request(self, environ, start_response):
            cond = getattr(self, "_epoch_cond", None)
            if cond is not None and hasattr(self, "_wanted_epoch") \
                    and not str(environ.get("PATH_INFO", "")).startswith("/livereload/"):
                with cond:
                    cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
            return super().serve_request(environ, start_response)

    return WaitingServer


@click.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"),
              show_default=True)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Serve the site and rebuild when a case, a media file or a template changes."""
    from mkdocs.commands import serve as mkdocs_serve_module  # deferred: mkdocs is heavy and loaded only when this runs
    from mkdocs.exceptions import MkDocsException  # deferred: mkdocs is heavy and loaded only when this runs

    if not config_file.is_file():
        raise CasebookError(f"{config_file}: no such file; run casebook init to make a project, or pass -f")
    if problem := epoch_problem():
        raise CasebookError(problem)
    _port_free(dev_addr)
    mkdocs_serve_module.build = _show_errors(mkdocs_serve_module.build)
    mkdocs_serve_module.LiveReloadServer = waiting_server(mkdocs_serve_module.LiveReloadServer)
    try:
        with _console():
            # watch_theme=False: it polls every file of the installed Material theme (14,660, most of them
            # icons) twice a second, a core busy while nothing changes; the plugin watches casebook's theme
            # and custom_dir
            mkdocs_serve_module.serve(str(config_file), dev_addr=dev_addr, livereload=True, watch_theme=False)
    except MkDocsException as exc:
        raise CasebookError(str(exc)) from None
