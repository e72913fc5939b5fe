"""``casebook import EXPORT... --into cases/SLUG.yaml``: fill a case or report from statistics exports."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import click

from casebook.errors import display_path
from casebook.load.cases import load_case_file

from .aggregate import Snapshot, Span
from .aggregate import _short as short
from .aggregate import aggregate, shown_name
from .base import TIER_POSTS, Options
from .detect import read_export
from .errors import ImportProblem, YearUnknown
from .mapping import load_mapping
from .table import collect
from .write import (
    apply,
    dump,
    keep_spacing,
    load,
    record_provenance,
    snapshot_defaults,
    validate_text,
    write_atomically,
)


def _previous_span(start: dt.date, end: dt.date):
    """The period right before [start, end] of equal length: as many whole months when it is whole months."""
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        n = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - n
        return Span(dt.date(index // 12, index % 12 + 1, 1), start - dt.timedelta(days=1))
    days = (end - start).days + 1
    return Span(start - dt.timedelta(days=days), start - dt.timedelta(days=1))


def _short(name: str) -> str:
    return short(name)


def _zip_ranges(read: list) -> None:
    """A per-post file inside a zip covers the days its daily siblings cover (TikTok Studio's Content beside
    Overview): the export's range, not just the first to the last video."""

    by_zip: dict[str, list] = {}
    for export in read:
        if ":" in export.file.name:
            by_zip.setdefault(export.file.name.rsplit(":", 1)[0], []).append(export)
    for members in by_zip.values():
        daily = [e.span for e in members if e.tier != TIER_POSTS and e.span and e.platform == members[0].platform]
        if not daily:
            continue
        lo, hi = min(s[0] for s in daily), max(s[1] for s in daily)
        for export in members:
            span = export.span
            if export.tier == TIER_POSTS and span and lo <= span[0] and span[1] <= hi:
                export.covers = (lo, hi)
                export.notes.append(f"covers {lo} to {hi}, the days of the other files in its zip")


def _shown(value) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _changed_since(target: Path, as_read: bytes) -> bool:
    try:
        return target.read_bytes() != as_read
    except OSError:
        return True  # gone or unreadable meanwhile: nothing is written over whatever it is now


def _read_case(target: Path, root: Path):
    if not target.is_file():
        raise ImportProblem(f"{target}: no such case file; start one with: casebook new SLUG [--report]")
    loaded, problems, _ = load_case_file(target, root)
    if loaded is None:
        first = next(p for p in problems if p.is_error)
        raise ImportProblem(f"{first.format()} (fix the case file first: casebook check {target})")
    return loaded.case


def _written(into: Path, root: Path) -> Path:
    """The file an import writes: a case that is a link within the project is edited where it lies (replacing
    the link by a copy would leave the linked file with the old numbers); one linking outside it, never."""
    if not into.is_symlink():
        return into
    real = into.resolve()
    if not real.is_relative_to(Path(root).resolve()):
        raise ImportProblem(f"{into}: a link to {real}, outside the project; import into the file itself")
    return real


# long: the import's steps in order (read, aggregate, merge, validate, write), each reporting to the user as it goes
def run_import(exports: list[Path], into: Path, platform: str | None = None, mapping: Path | None = None,
               year: int | None = None, dry_run: bool = False, root: Path = Path("."),
               echo=click.echo) -> bool:
    """Import; returns True when the case file changed (or would change, with dry_run)."""
    root = Path(root)
    try:  # compared again before writing: an edit saved meanwhile is not lost (nor filled from a stale read)
        as_read = Path(into).read_bytes()
    except OSError:
        as_read = b""  # _read_case says what is wrong
    case = _read_case(Path(into), root)
    if platform is not None and platform not in case.platforms:
        raise ImportProblem(f"--platform {platform}: the case's platforms are {', '.join(case.platforms)}")
    report = case.kind == "report"
    after_span = Span(case.after_period.start, case.after_period.end)
    after_as_of = case.after.as_of if case.after and case.after.as_of else after_span.end
    if report:
        base = case.baseline_period
        base_span = Span(base.start, base.end)
        base_snap = case.report.previous
        base_name, base_path = "report.previous", ("report", "previous")
    else:
        base_snap = case.before
        if base_snap is not None and base_snap.period is not None:
            base_span = Span(base_snap.period.start, base_snap.period.end)
        else:
            base_span = _previous_span(case.period.start, case.period.end)
        base_name, base_path = "before", ("before",)
    base_as_of = base_snap.as_of if base_snap is not None and base_snap.as_of else base_span.end
    snapshots = [Snapshot("after", after_as_of, after_span), Snapshot(base_name, base_as_of, base_span)]
    options = Options(platform=platform, year=year, currency=case.currency, platforms=tuple(case.platforms),
                      window=(min(base_span.start, case.period.start), max(after_span.end, case.period.end)))
    rules = load_mapping(mapping) if mapping is not None else None
    files = collect(exports)
    read = []
    skipped = []
    waiting = []  # year-less dates the other files of the same zip may settle
    for file in files:
        try:
            read.append(read_export(file, options, rules))
        except YearUnknown:
            if ":" not in file.name:
                raise
            waiting.append(file)
        except ImportProblem as exc:
            # a zip's other files (demographics, activity by hour) are not exports of numbers casebook uses
            if ":" in file.name and "not an export casebook knows" in str(exc) and not file.name.startswith("http"):
                skipped.append(file.name)
                continue
            raise
    for file in waiting:
        outer = file.name.rsplit(":", 1)[0]
        ends = [e.span[1] for e in read if e.file.name.rsplit(":", 1)[0] == outer and e.span]
        file.sibling_end = max(ends) if ends else None
        read.append(read_export(file, options, rules))
    _zip_ranges(read)
    if not read:
        raise ImportProblem(f"{', '.join(map(str, exports))}: none of the files is an export casebook knows; "
                            f"skipped {', '.join(skipped)}")
    for export in read:
        if export.platform not in case.platforms:
            raise ImportProblem(f"{export.file.name}: a {export.platform} export, but the case's platforms are "
                                f"{', '.join(case.platforms)}; add {export.platform} to 'platforms' or import it "
                                "into another case")
        if not export.rows:
            raise ImportProblem(f"{export.file.name}: the export has a header but no rows")
    result = aggregate(read, snapshots, report)

    original = Path(into).read_text("utf-8")
    doc = load(original)
    defaults = {
        "after": {"as_of": after_as_of},  # written only where the file has none
        base_name: snapshot_defaults(snapshots[1], write_period=not report and (base_snap is None
                                                                               or base_snap.period is None)),
    }
    keys = {"after": ("after",), base_name: base_path}
    replaced: list[tuple[str, object, object]] = []
    fills = apply(doc, result, keys, report, defaults, replaced)
    record_provenance(doc, result, fills)
    text = keep_spacing(original, dump(doc))

    for field, was, now in replaced:  # a number typed by hand, or an earlier import's, that the exports say otherwise
        echo(f"replaced {field}: {_shown(was)} (in the file) -> {_shown(now)} (from the exports)", err=True)
    for line in result.duplicates:
        echo(f"duplicates: {line}", err=True)
    for name in skipped:
        echo(f"skipped {short(name)}: not an export of numbers casebook uses", err=True)
    for platform_id, res in result.platforms.items():
        for snap in res.snapshots:
            filled = ", ".join(f"{k} {_shown(v)}" for k, v in snap.values.items())
            if filled:
                echo(f"{platform_id} {snap.name} ({snap.period}): {filled}", err=True)
            reasons: dict[str, list[str]] = {}
            for metric, why in sorted(snap.missing.items()):
                reasons.setdefault(why, []).append(metric)
            for why, metrics in reasons.items():
                echo(f"{platform_id} {snap.name}: {', '.join(metrics)} not filled: {why}", err=True)
        for metric, months in sorted(res.partial.items()):
            echo(f"{platform_id} {metric}: partial month(s) {', '.join(months)} left out of the series", err=True)
        if res.top:
            echo(f"{platform_id} top content: {len(res.top)} post(s)", err=True)

    problems = validate_text(text, Path(into), root)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ImportProblem(f"the imported numbers make {display_path(Path(into), root)} fail the check, so it was "
                            f"not written: {errors[0].format()}", problems=errors)
    if text == original:
        echo(f"{into}: already up to date; nothing to change", err=True)
        return False
    if dry_run:
        diff = difflib.unified_diff(original.splitlines(keepends=True), text.splitlines(keepends=True),
                                    fromfile=f"{into}", tofile=f"{into} (imported)")
        echo("".join(diff), nl=False)
        echo(f"--dry-run: {into} was not written", err=True)
        return True
    if _changed_since(Path(into), as_read):
        raise ImportProblem(f"{display_path(Path(into), root)} changed while the exports were imported (saved in an "
                            "editor?); it was not written, so that change is kept; run the import again")
    write_atomically(_written(Path(into), root), text)
    for p in problems:
        echo(p.format(), err=True)
    names = ", ".join(shown_name(e) for e in read)
    echo(f"imported {len(read)} export(s) into {into} ({names}); it passes casebook check", err=True)
    return True


@click.command("import")
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--into", "into", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The case or report file to fill (start one with casebook new).")
@click.option("--platform", default=None, help="The platform an ambiguous export belongs to (facebook, instagram ...).")
@click.option("--map", "mapping", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A mapping file describing another platform's export (see docs/import/).")
@click.option("--year", type=click.IntRange(2000, 2099), default=None,
              help="The year of the latest date in exports whose dates have none (TikTok Studio).")
@click.option("--dry-run", is_flag=True, help="Print what would change as a diff and write nothing.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Project folder; media must lie inside it.")
def import_command(exports, into, platform, mapping, year, dry_run, root) -> None:
    """Fill a case or report from the platforms' statistics exports (files, folders or zips).

    The format is told from each file's content.  Imported: the monthly
    series, the after snapshot and the before one (a report's previous
    period), a report's top content, and an 'imports' record of where every
    number came from.  Nothing else in the file changes; a result that fails
    casebook check is not written.
    """
    run_import(list(exports), into, platform=platform, mapping=mapping, year=year, dry_run=dry_run, root=root)
