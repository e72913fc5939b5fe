"""The whole build: site, charts and PDFs, published atomically.

Everything is written into a temporary folder beside the target; only when
the build and the leak audit succeed is it swapped in.  A failed or
interrupted build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .audit import audit
from .errors import CasebookError
from .project import Project, open_project


@dataclass
class BuildResult:
    site_dir: Path
    pages: int
    pdfs: int
    private_dir: Path | None = None


def default_epoch(project: Project) -> int:
    """SOURCE_DATE_EPOCH when set, else midnight after the newest case's end."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.isdigit():
        return int(env)
    import datetime as dt

    newest = max((c.case.period.end for c in project.cases), default=dt.date(2020, 1, 1))
    return int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc).timestamp())


@contextmanager
def staged(target: Path):
    """Yield a fresh temporary folder; on success swap it in for target."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def _mkdocs_config(config_file: Path, site_dir: Path, pdf: bool):
    from mkdocs.config import load_config

    cfg = load_config(str(config_file), site_dir=str(site_dir))
    plugin = cfg.plugins.get("casebook")
    if plugin is None:
        raise CasebookError(f"{config_file}: the 'casebook' plugin is not in 'plugins'")
    plugin.config.pdf = pdf
    return cfg, plugin


def build(config_file: Path = Path("mkdocs.yml"), *, pdf: bool = True, private: bool = False,
          private_dir: Path | None = None, site_dir: Path | None = None, quiet: bool = False) -> BuildResult:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    config_file = Path(config_file).resolve()
    if not config_file.is_file():
        raise CasebookError(f"no MkDocs configuration at {config_file}")
    root = config_file.parent
    if quiet:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
    # Validate before touching anything: bad input leaves every output alone.
    probe_cfg, probe_plugin = _mkdocs_config(config_file, root / "site", pdf)
    project = open_project(root, probe_plugin.config.cases_dir, probe_plugin.config.profile)
    target = Path(site_dir) if site_dir else Path(probe_cfg.site_dir)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(default_epoch(project)))
    with staged(target) as tmp:
        cfg, plugin = _mkdocs_config(config_file, tmp, pdf)
        plugin.preloaded = project  # loaded and checked once, above
        try:
            mkdocs_build(cfg)
        except MkDocsException as exc:
            raise CasebookError(f"build failed: {exc}") from None
        findings = audit(tmp, plugin.project or project, extra_paths=(str(tmp),),
                         cache_dir=root / plugin.config.cache_dir / "audit")
        if findings:
            for f in findings[:50]:
                logging.getLogger("casebook").error(f.format())
            raise CasebookError(
                f"leak check failed with {len(findings)} finding(s); nothing was published:\n"
                + "\n".join(f.format() for f in findings[:20])
            )
        pages = sum(1 for _ in tmp.rglob("index.html"))
        pdfs = sum(1 for _ in tmp.rglob("*.pdf"))
    result = BuildResult(target.resolve(), pages, pdfs)
    if private:
        from .pdf import build_private_outputs

        pdir = Path(private_dir) if private_dir else root / "private"
        if pdir.resolve().is_relative_to(target.resolve()):
            raise CasebookError("the private folder must not lie inside the public site folder")
        with staged(pdir) as ptmp:
            build_private_outputs(project, ptmp, cache_dir=root / plugin.config.cache_dir)
        result.private_dir = pdir.resolve()
    return result
