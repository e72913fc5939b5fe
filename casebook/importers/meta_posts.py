"""Meta Business Suite post exports: Facebook posts and Instagram posts (CSV, one row a post).

Layout.  Meta Business Suite > Insights > Content > Export data writes one
row per post with the post's *lifetime* totals.  The columns of the
Facebook file are ``Post ID, Page ID, Page name, Title, Description,
Duration (sec), Publish time, Caption type, Permalink, Is crosspost, Is
share, Post type, Languages, Custom labels, Funded content status, Data
comment, Date, Views, Reach, Reactions, Comments and Shares, Reactions,
Comments, Shares, Total clicks, Link Clicks, ...``; the Instagram file has
``Post ID, Account ID, Account username, Account name, Description,
Duration (sec), Publish time, Permalink, Post type, Data comment, Date,
Views, Reach, Likes, Shares, Follows, Comments, Saves``.  Sources: the
layouts quoted in casebook's issue 12 (taken from real exports) and
/work/shared/domain.md ("Where the numbers come from": UTF-8 with a BOM,
one row a post, the set of columns varies between exports); the post/page
split of Meta's "Export data" is described by Colorado State University's
social team (https://social.colostate.edu/strategy/social-analytics-breaking-down-facebook-insights/)
and Beckmann Collaborative (http://beckmanncollaborative.com/facebook-analytics-definitions/).

Between monthly exports the Facebook file has 32 to 34 columns (the
negative-feedback columns come and go), so columns are found by name and
only the ones needed are required: ``Post ID`` and ``Publish time``, plus
at least one metric column.

Assumptions, said here because no public document states them:

- ``Publish time`` is written as month/day/year with a time
  (``08/01/2025 09:15``) or as ISO; it has no offset and is taken as the
  Page's own time zone, the one Business Suite shows.
- An empty metric cell is 0 (Meta leaves the cell empty for a post that has
  none of it, e.g. clicks on a photo); ``undefined`` is unknown.
- A post's lifetime totals count in the month it was published.
- Facebook ``Reach`` per post is unique people *for that post*; the sum over
  posts counts a person once per post reached, so the imported ``reach`` is
  a sum of per-post reach, not unique people (the provenance says so).
- Instagram engagements are likes + comments + shares + saves (what
  Instagram calls interactions on a post).
"""

from __future__ import annotations

from .base import TIER_POSTS, Export, Options, Row, caption_title, duplicate_keys, http_url, number, parse_date, require
from .errors import ImportProblem
from .table import Table

FACEBOOK = {
    "id": "meta-facebook-posts",
    "label": "Meta Business Suite: Facebook posts",
    "platform": "facebook",
    "marker": ["Post ID", "Page ID", "Publish time"],
    "needs": ["Post ID", "Page ID", "Publish time", "Permalink", "Reach"],
    "columns": {
        "Views": "views",
        "Reach": "reach",
        "Reactions, Comments and Shares": "engagements",
        "Reactions": "likes",
        "Comments": "comments",
        "Shares": "shares",
        "Total clicks": "clicks",
    },
}
INSTAGRAM = {
    "id": "meta-instagram-posts",
    "label": "Meta Business Suite: Instagram posts",
    "platform": "instagram",
    "marker": ["Post ID", "Account ID", "Account username", "Publish time"],
    "needs": ["Post ID", "Account ID", "Account username", "Publish time", "Permalink", "Reach"],
    "columns": {
        "Views": "views",
        "Reach": "reach",
        "Likes": "likes",
        "Shares": "shares",
        "Follows": "follows",
        "Comments": "comments",
        "Saves": "saves",
    },
}
KINDS = (FACEBOOK, INSTAGRAM)
TIMEZONE = "the Page's or account's time zone as set in Meta Business Suite (the file's times carry no offset)"


def matches(header: list[str]) -> dict | None:
    names = {h.strip().casefold() for h in header}
    for kind in KINDS:
        if all(m.casefold() in names for m in kind["marker"]):
            return kind
    return None


def read(table: Table, kind: dict, options: Options) -> Export:
    cols = require(table, ["Post ID", "Publish time"], kind["label"])
    metric_cols = {metric: table.column(name) for name, metric in kind["columns"].items()
                   if table.column(name) is not None}
    if not metric_cols:
        raise ImportProblem(f"{table.name}:{table.header_line}: a {kind['label']} export needs at least one of the "
                            f"columns {', '.join(repr(c) for c in kind['columns'])}")
    permalink = table.column("Permalink")
    captions = [c for c in (table.column("Description"), table.column("Title")) if c is not None]
    post_type = table.column("Post type")
    rows = []
    for values, line in zip(table.rows, table.lines):
        post_id = values[cols["Post ID"]].strip() if cols["Post ID"] < len(values) else ""
        if not post_id:
            raise ImportProblem(f"{table.name}:{line}:{cols['Post ID'] + 1}: Post ID: the cell is empty; "
                                "every post row has an id (the file may be cut short)")
        if len(values) < len(table.header) - 3:
            raise ImportProblem(f"{table.name}:{line}: the row has {len(values)} of the header's "
                                f"{len(table.header)} columns; the file is cut short or damaged")
        day = parse_date(table, values, cols["Publish time"], line)
        numbers = {metric: number(table, values, col, line) for metric, col in metric_cols.items()}
        if kind is INSTAGRAM:
            parts = [numbers.get(k) for k in ("likes", "comments", "shares", "saves") if k in numbers]
            numbers["engagements"] = None if any(p is None for p in parts) else sum(parts)
        numbers["posts"] = 1
        caption = next((values[c] for c in captions if c < len(values) and values[c].strip()), "")
        kind_word = values[post_type].strip() if post_type is not None and post_type < len(values) else ""
        rows.append(Row(
            "post", ("post", kind["platform"], post_id), day, day, numbers, line,
            title=caption_title(caption, f"{kind_word or 'Post'} of {day.isoformat()}"),
            url=http_url(values[permalink]) if permalink is not None and permalink < len(values) else None,
        ))
    duplicate_keys(table, rows, "Post ID")
    notes = ["each post's lifetime totals count on its publish date"]
    if "reach" in metric_cols:
        notes.append("reach is the sum of per-post reach, not unique people: "
                     "a person reached by two posts counts twice")
    return Export(table.file, kind["id"], kind["label"], kind["platform"], TIER_POSTS, rows, TIMEZONE, notes)
