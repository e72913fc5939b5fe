"""``series-<metric>``: a metric over time, with the dated actions on a timeline strip above the plot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casebook import registry
from casebook.compute import facts as compute

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    from casebook.render.i18n import Translator

from .base import Chart, _channels, _Ctx, _end_exclusive, _iso, _month_axis, _month_values, _spec
from .style import CATEGORY, CHAR_PX, COLORS, LANE_PX, MAX_LANES, SERIES_HEIGHT, SERIES_ORDER, platform_colors
from .template import make


@dataclass
class _Point:
    platform: str
    date: dt.date
    value: float
    label: str  # the date as the table shows it
    mark: str = ""  # "", or the before / after label
    joined: bool = True  # drawn as part of the line


def _is_monthly(case, platform: str, metric: str) -> bool:
    raw = case.series.get(f"{platform}.{metric}", {})
    return bool(raw) and all(isinstance(k, str) for k in raw)


def _missing_months(ctx: _Ctx, line: compute.SeriesLine) -> list[dt.date]:
    """The first days of the months a monthly series skips between its first and last month."""
    if not _is_monthly(ctx.case, line.platform, line.metric):
        return []
    have = {(d.year, d.month) for d, _ in line.points}
    if not have:
        return []
    lo, hi = min(have), max(have)
    out, (y, mo) = [], lo
    while (y, mo) < hi:
        if (y, mo) not in have:
            out.append(dt.date(y, mo, 1))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out


def _series_points(ctx: _Ctx, line: compute.SeriesLine) -> list[_Point]:
    case, t = ctx.case, ctx.t
    monthly = _is_monthly(case, line.platform, line.metric)
    pts = []
    for day, value in line.points:
        if monthly:
            pts.append(_Point(line.platform, day.replace(day=15), value, t.month(day)))
        else:
            pts.append(_Point(line.platform, day, value, t.date(day)))
    return pts


def _snapshot_point(ctx: _Ctx, which: str, platform: str, metric: str) -> _Point | None:
    case, t = ctx.case, ctx.t
    if compute.kind_of(metric) != "count":
        return None
    snap = case.baseline if which == "before" else case.after
    if snap is None:
        return None
    value = compute.counts(snap, platform).get(metric)
    if value is None:
        return None
    mark = ctx.before_label if which == "before" else ctx.after_label
    info = registry.metrics().get(metric)
    if info is not None and info.measure != "stock":
        # a flow belongs on a monthly line only when it covers one month:
        # four months' reach beside monthly values would read as a spike
        span = case.baseline_period if which == "before" else case.after_period
        if span is None or compute.whole_months(span) != 1:
            return None
        day = span.start.replace(day=15)
        return _Point(platform, day, float(value), t.month(span.start), mark)
    if which == "before":
        day = snap.as_of or case.period.start
    else:
        day = snap.as_of or case.period.end
    return _Point(platform, day, float(value), t.date(day), mark)


PHONE_PLOT_PX = 290.0  # the plot's width on a 360 px phone
ACTION_TITLE_CHARS = 40  # an action's title on the strip: longer ones end at a word, with "…"


def short_title(title: str, limit: int = ACTION_TITLE_CHARS) -> str:
    """The title cut at a word boundary to at most ``limit`` characters (never mid-word), "…" when cut."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    words, out = title.split(" "), ""
    for word in words:
        nxt = f"{out} {word}".strip()
        if len(nxt) + 1 > limit:
            break
        out = nxt
    if not out:  # one long word: it stays whole rather than cut
        return words[0]
    return out.rstrip(",;:—–-") + "…"


def _action_rows(ctx: _Ctx, domain: tuple[dt.date, dt.date],
                 platforms: list[str] | None = None) -> tuple[list[dict], tuple[str, ...] | None, list[str]]:
    """The dated actions as a timeline strip above the lines (drawn by :func:`_action_marks`).

    Each action gets a title and a thin bar for its span (a dot for a single
    day) in a lane at the top of the plot, and a faint rule down to the time
    axis where it starts.  Lanes are assigned so that titles do not overlap
    at a typical width; the y scale leaves room for them (:func:`_y_scale`).
    Returns the strip's rows, the alignments of its titles (None: no
    strip) and "title (when)" texts.
    """
    spans = [s for s in ctx.facts.actions if s.start is not None
             and (platforms is None or s.action.platform is None or s.action.platform in platforms)]
    if not spans:
        return [], None, []
    t = ctx.t
    lo = min([domain[0]] + [s.start for s in spans])
    hi = max([domain[1]] + [_end_exclusive(s.end or s.start) for s in spans])
    total_days = max(1, (hi - lo).days)
    est_plot_px = PHONE_PLOT_PX  # the narrowest plot (a phone): labels apart there are apart everywhere
    lane_end: list[float] = []  # per lane: the last occupied position, in days from lo
    rows, names = [], []
    for span in sorted(spans, key=lambda s: (s.start, s.end or s.start)):
        start = span.start
        end = _end_exclusive(span.end or span.start)
        title = span.action.title
        label = short_title(title)
        when = _when_label(t, span)
        s_day, e_day = (start - lo).days, (end - lo).days
        text_days = (len(label) * CHAR_PX * 0.92 + 10) / est_plot_px * total_days
        right = s_day + text_days > total_days and e_day - text_days >= 0
        occ = (e_day - text_days, e_day) if right else (s_day, max(e_day, s_day + text_days))
        lane = next((i for i, last in enumerate(lane_end) if last <= occ[0]), None)
        if lane is None and len(lane_end) < MAX_LANES:
            lane_end.append(occ[1])
            lane = len(lane_end) - 1
        if lane is None:  # no room in any lane: the mark stays, its title is in the tooltip, never over another
            lane, label = min(range(len(lane_end)), key=lambda i: lane_end[i]), ""
        else:
            lane_end[lane] = max(lane_end[lane], occ[1])
        single = span.end in (None, span.start) and not _is_month_action(span)
        rows.append({
            "title": title, "label": label, "when": when, "start": _iso(start), "end": _iso(end),
            "at": _iso(end if right else start), "align": "right" if right else "left",
            "lane": lane, "single": single,
        })
        names.append(f"{title} ({when})")
    # The strip sits above the plot (negative pixel y); autosize makes room.
    lanes = len(lane_end)
    for row in rows:
        top = -(lanes - row.pop("lane")) * LANE_PX - 10
        row.update(text_y=top, bar_y=top + 14, bar_y2=top + 18)
    aligns = tuple(align for align in ("left", "right") if any(r["align"] == align for r in rows))
    return rows, aligns, names


def _action_marks(v: dict, aligns: tuple[str, ...] | None) -> list:
    """The strip's layers: ``v["actions"]`` are :func:`_action_rows`' rows, ``v["what"]``
    and ``v["period"]`` the tooltip's titles; ``aligns`` None draws none."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    if aligns is None:
        return []
    tip = [alt.Tooltip("title:N", title=v["what"]), alt.Tooltip("when:N", title=v["period"])]
    data = alt.Data(values=v["actions"])
    base = alt.Chart(data)
    layers = [
        base.mark_rule(color=COLORS["action"], strokeDash=[2, 3], strokeWidth=1, opacity=0.8).encode(**_channels(
            x=alt.X("start:T"), y=alt.Y("bar_y:Q", scale=None), y2=alt.value(alt.ExprRef("height")),
        )),
        base.transform_filter("!datum.single").mark_rect(color=COLORS["action"], cornerRadius=2).encode(**_channels(
            x=alt.X("start:T"), x2="end:T", y=alt.Y("bar_y:Q", scale=None), y2="bar_y2:Q", tooltip=tip,
        )),
        base.transform_filter("datum.single").mark_point(
            shape="diamond", filled=True, size=60, color=COLORS["action"], opacity=1,
        ).encode(**_channels(x=alt.X("start:T"), y=alt.Y("bar_y:Q", scale=None), tooltip=tip)),
    ]
    for align in aligns:
        layers.append(base.transform_filter(f"datum.align == '{align}' && datum.label != ''").mark_text(
            align=align, baseline="top", dx=2 if align == "left" else -2, fontSize=11,
            color=COLORS["action_text"],
        ).encode(**_channels(x=alt.X("at:T"), y=alt.Y("text_y:Q", scale=None), text="label:N", tooltip=tip)))
    return layers


def _is_month_action(span: compute.ActionSpan) -> bool:
    return isinstance(span.action.when, str)


def _when_label(t: "Translator", span: compute.ActionSpan) -> str:
    if _is_month_action(span):
        return t.month(span.start)
    if span.end is None or span.end == span.start:
        return t.date(span.start)
    return f"{t.date(span.start)} – {t.date(span.end)}"


def _y_max(max_value: float) -> float:
    """The y scale's top (:func:`_y_scale`): headroom for the value label above the highest point."""
    return max_value * 1.1


def _y_scale(domain_max: Any) -> alt.Scale:
    """From zero to ``domain_max`` (:func:`_y_max`)."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    return alt.Scale(zero=True, nice=True, domainMin=0, domainMax=domain_max)


def _join_ends(ctx: _Ctx, pts: list[_Point], platform: str, metric: str) -> list[_Point]:
    """The series with the before and after values marked on it.

    A snapshot taken in the month of a series point with the same value
    marks that point (a report's previous period usually is one); otherwise
    it becomes a point of its own, on the line when it lies outside the
    series' months, beside it (not joined) when the series has another
    value for that month.
    """
    pts = list(pts)
    for which in ("before", "after"):
        snap = _snapshot_point(ctx, which, platform, metric)
        if snap is None:
            continue
        same_month = [p for p in pts if (p.date.year, p.date.month) == (snap.date.year, snap.date.month) and not p.mark]
        match = next((p for p in same_month if p.value == snap.value), None)
        if match is not None:
            match.mark = snap.mark
            continue
        if same_month:
            snap.joined = False
        pts.append(snap)
        pts.sort(key=lambda p: p.date)
    return pts


def _end_label_positions(pts: list[_Point], top: float) -> dict[int, str]:
    """Where the before/after value labels go so that the line does not cross them.

    ``br``: below right of the point, ``ar`` above right, ``al`` above left,
    ``bl`` below left, ``a`` above, ``b`` below.  A rising line leaves room
    below-right of its start and above-left of its end; a point near the
    bottom gets its label above.
    """
    out = {}
    line = [p for p in pts if p.joined]
    for p in pts:
        if not p.mark:
            continue
        i = pts.index(p)
        if not p.joined or len(line) < 2:
            pos = "ar"
        else:
            j = line.index(p)
            prev = line[j - 1].value if j > 0 else None
            nxt = line[j + 1].value if j + 1 < len(line) else None
            if prev is None:
                pos = "br" if nxt >= p.value else "ar"
            elif nxt is None:
                pos = "al" if p.value >= prev else "bl"
            elif prev <= p.value >= nxt:
                pos = "a"
            elif prev >= p.value <= nxt:
                pos = "b"
            else:
                pos = "al" if prev < p.value else "ar"
        if pos.startswith("b") and p.value < 0.15 * top:
            pos = "a" + pos[1:]
        out[i] = pos
    return out


LABEL_POS = {  # align, baseline, dx, dy
    "a": ("center", "bottom", 0, -9),
    "b": ("center", "top", 0, 9),
    "br": ("left", "top", 7, 7),
    "ar": ("left", "bottom", 7, -7),
    "al": ("right", "bottom", -7, -7),
    "bl": ("right", "top", -7, 7),
}


def _platform_colors(names: list[str], ids: list[str] | None = None) -> tuple[bool, dict]:
    """One colour per platform, its brand colour as on its icon: whether there are several
    (a legend) and the values :func:`_platform_color` draws them with."""
    if ids is None:
        ids = [""] * len(names)
    colors = platform_colors(ids)
    if len(names) < 2:
        return False, {"color": colors[0] if colors else COLORS["after"]}
    return True, {"names": names, "colors": colors}


def _platform_color(several: bool, v: dict):
    """The colour channel of :func:`_platform_colors`; the legend goes below (the action strip is above)."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    if not several:
        return alt.value(v["color"])
    return alt.Color("platform:N", sort=v["names"], scale=alt.Scale(domain=v["names"], range=v["colors"]),
                     legend=alt.Legend(title=None, orient="bottom"))


# long: one chart per metric, its layers (lines, gaps, before/after marks, end labels, actions) built together
def charts(ctx: _Ctx) -> list[Chart]:
    case, t = ctx.case, ctx.t
    by_metric: dict[str, list[compute.SeriesLine]] = {}
    for line in ctx.facts.series:
        by_metric.setdefault(line.metric, []).append(line)
    order = [m for m in SERIES_ORDER if m in by_metric] + sorted(m for m in by_metric if m not in SERIES_ORDER)
    out = []
    for metric in order:
        per_line, gaps = [], {}
        for line in by_metric[metric]:
            pts = _series_points(ctx, line)
            if pts:
                per_line.append(_join_ends(ctx, pts, line.platform, metric))
                gaps[line.platform] = _missing_months(ctx, line)
        points = [p for pts in per_line for p in pts]
        if len(points) < 2:
            continue
        top = max(p.value for p in points)
        if top <= 0:
            continue  # all zero: nothing to see
        platforms = list(dict.fromkeys(p.platform for p in points))
        names = [ctx.platform(p) for p in platforms]
        money = compute.kind_of(metric) == "money"
        data = []
        for pts in per_line:
            positions = _end_label_positions(pts, top)
            missing = gaps.get(pts[0].platform, [])
            for i, p in enumerate(pts):
                # a missing month breaks the line: each run of months is a segment of its own
                segment = sum(1 for g in missing if g <= p.date)
                data.append({
                    "segment": f"{p.platform}-{segment}",
                    "date": _iso(p.date), "value": p.value, "platform": ctx.platform(p.platform),
                    "when": f"{p.mark}: {p.label}" if p.mark else p.label,
                    "shown": ctx.value(p.value, metric), "mark": p.mark, "pos": positions.get(i, ""),
                    "joined": p.joined,
                })
        dates = [p.date for p in points]
        action_rows, aligns, action_names = _action_rows(ctx, (min(dates), max(dates)), platforms)
        several, colors = _platform_colors(names, platforms)
        label_at = tuple(pos for pos in LABEL_POS if any(d["pos"] == pos for d in data))
        shape = (aligns, several, not all(d["joined"] for d in data), any(d["mark"] for d in data), label_at)
        title = f"{t.metric(metric)}: {', '.join(names)}"
        first, last = _line_ends(points)

        def when(p: _Point) -> str:
            return f"{p.mark}: {p.label}" if p.mark else p.label

        parts = [
            f"{ctx.platform(p)}: {ctx.value(first[p].value, metric)} ({when(first[p])}) → "
            f"{ctx.value(last[p].value, metric)} ({when(last[p])})"
            for p in platforms
        ]
        description = f"{title}. " + "; ".join(parts) + "."
        if action_names:
            description += f" {t.t('ui.what_was_done')}: " + "; ".join(action_names) + "."
        columns = [t.t("ui.period")] + names
        by_date: dict[dt.date, tuple[str, dict[str, str]]] = {}
        for p in sorted(points, key=lambda p: p.date):
            label, vals = by_date.setdefault(p.date, (when(p), {}))
            if p.mark and not label.startswith(p.mark):
                by_date[p.date] = (when(p), vals)
            vals[p.platform] = ctx.value(p.value, metric)
        for platform, missing in gaps.items():
            for month in missing:  # a month the series skips: said so, not left out
                day = month.replace(day=15)
                label, vals = by_date.setdefault(day, (t.month(month), {}))
                vals[platform] = t.t("ui.not_available")
        rows = [[label] + [vals.get(pl, "") for pl in platforms] for _, (label, vals) in sorted(by_date.items())]
        spec = make(_draw, shape, {
            "data": data, "actions": action_rows, "what": t.t("ui.what_was_done"), "period": t.t("ui.period"),
            "platform": t.t("ui.platform"), "metric": t.metric(metric), "ticks": _month_values(ctx, dates),
            "y_max": _y_max(top), "y_format": "$,.0f" if money else ",.0f", "description": description, **colors,
        })
        out.append(Chart(
            id=f"series-{metric}", title=title, description=description, spec=spec, columns=columns, rows=rows,
        ))
    return out


def _draw(aligns: tuple[str, ...] | None, several: bool, off_line: bool, marked: bool, label_at: tuple[str, ...],
          v: dict) -> dict:
    """The template: the action strip, the line (``off_line``: some points are not on it), the
    points, and when ``marked`` the before and after points with their labels at ``label_at``."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    tip = [alt.Tooltip("platform:N", title=v["platform"]), alt.Tooltip("when:N", title=v["period"]),
           alt.Tooltip("shown:N", title=v["metric"])]
    base = alt.Chart(alt.Data(values=v["data"])).encode(**_channels(
        x=alt.X("date:T", scale=alt.Scale(type="utc"), axis=_month_axis(v["ticks"])),
        y=alt.Y("value:Q", title=v["metric"], scale=_y_scale(v["y_max"]),
                axis=alt.Axis(format=v["y_format"], tickCount=5)),
        color=_platform_color(several, v),
        tooltip=tip,
    ))
    line = base.transform_filter("datum.joined") if off_line else base
    line = line.encode(detail=alt.Detail("segment:N"))  # a gap is a gap, not a straight line
    layers = [*_action_marks(v, aligns), line.mark_line(interpolate="monotone"), base.mark_point(size=45, filled=True)]
    if marked:
        layers.append(base.transform_filter("datum.mark != ''").mark_point(
            size=120, filled=True, stroke="white", strokeWidth=1.5, opacity=1,
        ))
        for pos in label_at:
            align, baseline, dx, dy = LABEL_POS[pos]
            layers.append(base.transform_filter(f"datum.pos == '{pos}'").mark_text(
                align=align, baseline=baseline, dx=dx, dy=dy, fontWeight=600, color=COLORS["text"],
            ).encode(**_channels(text="shown:N", color=alt.value(COLORS["text"]))))
    chart = alt.layer(*layers).properties(width="container", height=SERIES_HEIGHT)
    return _spec(chart, v["description"])


def _line_ends(points: list[_Point]) -> tuple[dict[str, _Point], dict[str, _Point]]:
    first: dict[str, _Point] = {}
    last: dict[str, _Point] = {}
    for p in sorted(points, key=lambda p: p.date):
        first.setdefault(p.platform, p)
        last[p.platform] = p
    return first, last


# --------------------------------------------------------------------------
# Cost per result over time
