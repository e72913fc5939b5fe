"""The whole build: site, charts and PDFs, published atomically.

Everything is written into a temporary folder beside the target; only when
the build and the leak audit succeed is it swapped in.  A failed or
interrupted build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from casebook import reuse, store
from casebook.prune import BUILD_EVERY_NS, prune
from casebook.build.pdfs import build_private_outputs
from casebook.errors import CasebookError
from casebook.load.media import LINKED_OUTSIDE, linked_outside, profile_photo, referenced_files
from casebook.load.project import Project, open_project
from casebook.settings import EPOCH_DEFAULTED, EPOCH_VAR, epoch_problem, epoch_text, source_date_epoch

from . import standby
from .audit import audit as run_audit  # not `audit`: that name is the submodule casebook.build.audit
from .casework import standby_task
from .lifeline import collecting_less
from .outputs import check_outputs, check_replaceable, config_files, env_signature, project_inputs
from .publish import recover, writing
from .publish import staged as _staged
from .state import BuildState, code_signature, files_signature


@dataclass
class BuildResult:
    site_dir: Path
    pages: int
    pdfs: int
    private_dir: Path | None = None
    up_to_date: bool = False  # nothing had changed: the last build's output stands


# Set beside SOURCE_DATE_EPOCH when the build chose it (from public cases), not the user.


def default_epoch(project: Project) -> int:
    """SOURCE_DATE_EPOCH when set, else midnight starting the day the newest public case ends.

    Public cases only: the site's dates (sitemap, public PDFs) must not tell
    when private work (an NDA case, a client report) ended.
    """
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch

    newest = max((c.case.period.end for c in project.public_cases), default=dt.date(2020, 1, 1))
    return int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc).timestamp())


def staged(target: Path, keep: Path | None = None):
    """Yield a fresh temporary folder; on success publish it as target in one step
    (see casebook.build.publish, which also recovers from builds killed before)."""

    return _staged(target, keep)


def _mkdocs_config(config_file: Path, site_dir: Path | None, pdf: bool):
    """The configuration, with site_dir replaced when given (None: the one mkdocs.yml names)."""
    from mkdocs.config import load_config  # deferred: mkdocs is heavy and loaded only when this runs
    from mkdocs.exceptions import MkDocsException  # deferred: mkdocs is heavy and loaded only when this runs

    try:
        cfg = load_config(str(config_file), **({"site_dir": str(site_dir)} if site_dir is not None else {}))
    except MkDocsException as exc:
        raise CasebookError(f"{config_file}: {exc}") from None
    plugin = cfg.plugins.get("casebook")
    if plugin is None:
        raise CasebookError(f"{config_file}: the 'casebook' plugin is not in 'plugins'")
    plugin.config.pdf = pdf
    return cfg, plugin


def _inputs(cfg, plugin, root: Path, config_file: Path, options: dict) -> str:
    """The signature of the folders and files every build reads (see casebook.build.state)."""
    folders = [root / plugin.config.cases_dir, Path(cfg.docs_dir)]
    folders += [Path(d) for d in cfg.theme.dirs if Path(d).resolve().is_relative_to(root)]
    configs, env_names = config_files(config_file)  # mkdocs.yml, what it INHERITs, what its !ENV tags read
    files = [*configs, root / plugin.config.profile]
    parts = [code_signature(), files_signature(folders, files), repr(sorted(options.items())),
             env_signature(env_names)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _with_extra(inputs: str, extra: list[str]) -> str:
    """The signature, with the files outside those folders that the cases and profile use."""
    return hashlib.sha256(f"{inputs}\0{extra!r}\0{files_signature(files=map(Path, extra))}".encode()).hexdigest()


def _used_files(project: Project, root: Path) -> list[str]:
    """Files outside the cases folder that the cases and the profile point to."""
    cases_dir = project.cases_dir.resolve()
    used = {str(p) for c in project.cases for p in referenced_files(c, root) if not p.is_relative_to(cases_dir)}
    photo = profile_photo(project)
    if photo is not None:
        used.add(str(photo))
    return sorted(used)


def build(config_file: Path = Path("mkdocs.yml"), *, pdf: bool = True, private: bool = False,
          private_dir: Path | None = None, site_dir: Path | None = None, quiet: bool = False,
          force: bool = False) -> BuildResult:
    config_file = Path(config_file).resolve()
    if not config_file.is_file():
        raise CasebookError(f"no MkDocs configuration at {config_file}")
    if problem := epoch_problem():
        raise CasebookError(problem)
    root = config_file.parent
    if quiet:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
    probe_cfg, probe_plugin = _mkdocs_config(config_file, None, pdf)  # site_dir as mkdocs.yml names it
    target = (Path(site_dir) if site_dir else Path(probe_cfg.site_dir)).resolve()
    pdir = (Path(private_dir) if private_dir else root / "private").resolve() if private else None
    # Refused before anything is written: an output over an input or over another output.
    cache = (root / probe_plugin.config.cache_dir).resolve()
    project_in = project_inputs(root, cases_dir=probe_plugin.config.cases_dir, profile=probe_plugin.config.profile,
                                config_files=config_files(config_file)[0], docs_dir=probe_cfg.docs_dir,
                                theme_dirs=probe_cfg.theme.dirs)
    named = [("site folder" + ("" if site_dir else " (site_dir in mkdocs.yml)"), target)]
    if pdir is not None:
        named.append(("private folder", pdir))
    check_outputs(named + [("cache folder (cache_dir in mkdocs.yml)", cache)], project_in)
    outputs = [target] + ([pdir] if pdir else [])

    # a second build of these outputs meanwhile stops at once, saying so; garbage collected less often meanwhile
    with writing(cache, outputs), collecting_less():
        return _build_outputs(config_file, root, target, pdir, pdf, force, probe_cfg, probe_plugin, project_in,
                              named, outputs, cache)


def _build_outputs(config_file: Path, root: Path, target: Path, pdir: Path | None, pdf: bool, force: bool,
                   probe_cfg, probe_plugin, project_in, named: list, outputs: list[Path], cache: Path) -> BuildResult:
    """The build's steps in their safe order once its outputs are its own: recover, compare with the last
    build, check inputs and outputs, build (stage, audit, publish), record."""
    for folder in outputs:  # a build killed mid-publish: its previous output back, its leftovers gone
        recover(folder)
    state = BuildState(root / probe_plugin.config.cache_dir)
    options = {"pdf": pdf, "private": str(pdir) if pdir else "", "epoch": epoch_text()}
    inputs = _inputs(probe_cfg, probe_plugin, root, config_file, options)
    if not force:
        extra = list(state.entry(target).get("extra", []))
        last = state.current(target, _with_extra(inputs, extra), outputs)
        if last is not None:
            for warning in last.get("warnings", []):
                logging.getLogger("mkdocs.plugins.casebook").warning(warning)
            return BuildResult(target, last.get("pages", 0), last.get("pdfs", 0), pdir, up_to_date=True)
    # Never swap away a folder of the user's, nor a file the user added to one (a current
    # output holds exactly the files the last build recorded: an added one makes it not current).
    check_replaceable(named, {out: state.files(out) for out in outputs}, pages=probe_cfg.docs_dir)
    state.forget(target)  # from here on the output changes: a failed build is never "current"
    # Validate before touching anything: bad input leaves every output alone.
    project = open_project(root, probe_plugin.config.cases_dir, probe_plugin.config.profile,
                           cache_dir=probe_plugin.config.cache_dir)
    outside = linked_outside(Path(probe_cfg.docs_dir), root)  # MkDocs would publish it: refused as media are
    if outside:
        raise CasebookError(f"{outside}: {LINKED_OUTSIDE}")
    used = _used_files(project, root)
    project_in.paths += [("file a case uses", Path(p).resolve()) for p in used]
    check_outputs(named, project_in)  # a media file outside cases/ is an input too
    inputs = _with_extra(inputs, used)  # stamped before the build reads them
    epoch_was_set = EPOCH_VAR in os.environ
    if not epoch_was_set:  # public output dated by public work; private output by its own (pdf.compose.fixed_date)
        os.environ[EPOCH_VAR] = str(default_epoch(project))
        os.environ[EPOCH_DEFAULTED] = "1"
    try:
        with store.fresh(force):  # --force: no output of an earlier build is read from the cache
            charts_dir = root / probe_plugin.config.cache_dir / "charts" if probe_plugin.config.charts else None
            result = _build(config_file, root, target, pdir, pdf, project, cache, state, charts_dir)
    finally:
        if not epoch_was_set:  # this process's next build decides its own epoch again
            os.environ.pop(EPOCH_VAR, None)
            os.environ.pop(EPOCH_DEFAULTED, None)
    # What the next build compares with: the inputs as they were before this
    # build read them (a file edited meanwhile makes the next build a real one).
    state.record(target, inputs, outputs, pages=result.pages, pdfs=result.pdfs, extra=used,
                 warnings=[w.format() for w in project.warnings])
    # the one pruning step: old versions, and entries no last build of these outputs used (at most hourly)
    prune(cache, outputs, every_ns=BUILD_EVERY_NS)
    return result


def _build(config_file: Path, root: Path, target: Path, pdir: Path | None, pdf: bool, project: Project,
           cache: Path, state: BuildState, charts_dir: Path | None = None) -> BuildResult:
    if pdf:  # WeasyPrint imported on the other core while MkDocs plans the site (an edit's one PDF)
        # ... and the edited case's page charts drawn ahead (standby.draw_ahead)
        standby.start(project, standby_task, partial(standby.draw_ahead, project, charts_dir) if charts_dir else None)
    try:
        return _build_staged(config_file, root, target, pdir, pdf, project, cache, state)
    finally:
        standby.stop()  # unused (no PDF to make, or many): it ends now


def _build_staged(config_file: Path, root: Path, target: Path, pdir: Path | None, pdf: bool, project: Project,
                  cache: Path, state: BuildState) -> BuildResult:
    from mkdocs.commands.build import build as mkdocs_build  # deferred: mkdocs is heavy and loaded only when this runs
    from mkdocs.exceptions import MkDocsException  # deferred: mkdocs is heavy and loaded only when this runs

    # the site this publish retires is kept in the cache folder: the next build stages into it (casebook.reuse)
    retired = reuse.retired_for(cache, target)
    with staged(target, retired) as tmp, _reusing(tmp, target, cache, retired) as session:
        cfg, plugin = _mkdocs_config(config_file, tmp, pdf)
        plugin.preloaded = project  # loaded and checked once, above
        plugin.private = pdir is not None
        try:
            mkdocs_build(cfg)
        except MkDocsException as exc:
            raise CasebookError(f"build failed: {exc}") from None
        session.settle()  # nothing of the retired site left that this build did not place
        findings = run_audit(tmp, plugin.project or project, extra_paths=(str(tmp),),
                         cache_dir=root / plugin.config.cache_dir / "audit")  # a throwaway one if it had to be
        if findings:
            for f in findings[:50]:
                logging.getLogger("casebook").error(f.format())
            raise CasebookError(
                f"leak check failed with {len(findings)} finding(s); nothing was published:\n"
                + "\n".join(f.format() for f in findings[:20])
            )
        session.check()  # what was audited is what is published, linked files included
        written = state.publishing(target, tmp)  # what the next build may replace
        pages = sum(1 for name in written if name.rpartition("/")[2] == "index.html")  # counted from that list:
        pdfs = sum(1 for name in written if name.endswith(".pdf"))  # two more walks were 75 ms at 1,000 cases
    state.published(target, written)
    session.save()  # published, the previous site gone: what the next build may link
    result = BuildResult(target, pages, pdfs)
    if pdir is not None:
        with staged(pdir) as ptmp, _reusing(ptmp, pdir, cache) as psession:
            work = plugin.site.work if plugin.site is not None else None  # what it found good need not be read again
            build_private_outputs(project, ptmp, cache_dir=root / plugin.config.cache_dir,
                                  vouched=work.vouched if work is not None else frozenset())
            psession.check()
            written = state.publishing(pdir, ptmp)
        state.published(pdir, written)
        psession.save()
        result.private_dir = pdir
    return result


@contextmanager
def _reusing(tmp: Path, target: Path, cache: Path, retired: Path | None = None):
    """While ``tmp`` is staged: unchanged files are linked from ``target``, or stay where they are
    in the folder kept at ``retired``, when ``tmp`` holds it (casebook.reuse)."""
    session = reuse.begin(tmp, target, cache, retired)
    try:
        yield session
    finally:
        reuse.end(session)
