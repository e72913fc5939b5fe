"""Static SVG for charts (web fallback and PDF), cached on disk, and the vega bundle.

vl-convert runs Vega in an embedded JavaScript engine that starts on the
first conversion of a process (about half a second) and is reused after
that; one :class:`ChartRenderer` per build keeps its counters and its
caches together.  A chart's SVG is kept on disk under a hash of the
spec, the locale dicts, the vl-convert version and :data:`RENDER_VERSION`,
so an unchanged chart is not converted again on the next build.  Cached
SVGs and the bundle are written and read through :mod:`casebook.store`: one
whose signed record does not vouch for its bytes is made again.

The SVG is post-processed so that it is deterministic and can be inlined
next to other charts: element ids (clip paths, gradients) are renumbered
with a prefix taken from the cache key, the unused ``xlink`` namespace is
dropped, and nothing in it refers to an outside address.  Text stays as
``<text>`` elements, so it is selectable in the PDF.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from casebook import store
from casebook.render.charts import SPEC_VERSION, Chart, d3_locale, embed_options, script_json, template
from casebook.settings import CACHE_DIR_NAME, fonts_dir

RENDER_VERSION = "3"  # bump when the post-processing below changes
DEFAULT_CACHE_DIR = Path(CACHE_DIR_NAME) / "charts"
SVG_NS = "http://www.w3.org/2000/svg"


class ChartRenderer:
    """Makes static SVGs of charts and the vega-embed bundle, with caches.

    ``conversions`` counts the vl-convert calls this renderer made and
    ``hits`` the SVGs served from a cache: a second build of unchanged
    charts makes no conversion.
    """

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        store.Cache(self.cache_dir.parent, self.cache_dir.name, RENDER_VERSION)  # entries of another version: misses, pruned
        self.specs_dir = self.cache_dir.parent / "specs"  # build_charts' cache of specs (and templates beside it)
        # registered here too, in the process that prunes: workers may be the only ones to fill them
        store.Cache(self.specs_dir.parent, self.specs_dir.name, SPEC_VERSION)
        store.Cache(self.specs_dir.parent, "templates", template.STORE_VERSION)
        self.conversions = 0
        self.hits = 0
        self._memory: dict[str, str] = {}
        self._bundle: str | None = None

    # -- static SVG --------------------------------------------------------
    def svg(
        self,
        chart: Chart,
        locale: str,
        currency: str,
        width: int = 640,
        height: int | None = None,
        title: bool = False,
    ) -> str:
        """The chart as a static SVG ``width`` px wide (A4 text width is ~640 px).

        ``height`` overrides the plot height; ``title`` draws the chart's
        title inside the image (the web page and the PDF normally put it in
        a caption instead).
        """
        spec = static_spec(chart, width, height, title)
        number, time = d3_locale(locale, currency)
        return self._svg(spec, number, time, cache_key(spec, number, time))

    def _svg(self, spec: dict, number: dict, time: dict, key: str) -> str:
        cached = self._memory.get(key)
        if cached is None:
            cached = self._read(key)
        if cached is not None:
            self.hits += 1
            self._memory[key] = cached
            return cached
        _register_fonts()
        raw = self._convert(spec, number, time)
        svg = clean_svg(raw, prefix=f"cb{key[:8]}-")
        self._memory[key] = svg
        self._write(f"{key}.svg", svg)
        return svg

    def _convert(self, spec: dict, number: dict, time: dict) -> str:
        import vl_convert as vlc  # deferred: vl_convert is heavy and loaded only when this runs

        self.conversions += 1
        return vlc.vegalite_to_svg(
            spec, format_locale=number, time_format_locale=time, allowed_base_urls=[],
        )

    def _read(self, key: str) -> str | None:
        # a missing, changed or unsigned entry is simply made again
        return store.read_text(self.cache_dir / f"{key}.svg")

    def _write(self, name: str, text: str) -> None:
        # atomic: parallel builds never see half a file; a read-only or full
        # disk costs speed, not correctness
        store.write_quietly(self.cache_dir / name, text.encode("utf-8"))

    # -- the web bundle ------------------------------------------------------
    def bundle_js(self) -> str:
        """vega + vega-lite + vega-embed in one self-contained script (no CDN).

        It defines ``window.vegaEmbed``; about 0.9 MB and 2 s of CPU to make,
        and the same for every project of a vl-convert version: it is kept in
        the project's chart cache and in the user's own cache folder
        (:func:`user_cache_dir`), so a new project or an emptied project
        cache does not make it again.  Both copies are signed records
        (:mod:`casebook.store`): one whose record does not vouch for it is
        not used.
        """
        if self._bundle is not None:
            return self._bundle
        import vl_convert as vlc  # deferred: vl_convert is heavy and loaded only when this runs

        name = f"vega-bundle-{vlc.__version__}-{RENDER_VERSION}.js"
        own = self.cache_dir / name
        cached = store.read_text(own)
        if cached is None:
            shared = user_cache_dir()
            cached = store.read_text(shared / name) if shared is not None else None
            if cached is None:
                cached = _bundle_elsewhere() or vlc.javascript_bundle()
                if shared is not None:
                    store.write_quietly(shared / name, cached.encode("utf-8"))
            self._write(name, cached)
        self._bundle = cached
        return cached

    # -- for the web page ----------------------------------------------------
    def svg_file(self, chart: Chart, locale: str, currency: str, width: int = 640) -> dict:
        """The static SVG as a file of the chart cache: its name and size.

        A page links it as an image instead of carrying it inline: the page
        stays small (MkDocs' search indexer parses every tag of every page),
        and a browser keeps the file between pages and visits.
        """
        spec = static_spec(chart, width)
        number, time = d3_locale(locale, currency)
        key = cache_key(spec, number, time)
        svg = self._svg(spec, number, time, key)
        root = re.match(r"\s*<svg\b[^>]*>", svg)
        size = {}
        for attr in ("width", "height"):
            m = re.search(rf'\s{attr}="([0-9.]+)"', root.group(0)) if root else None
            size[attr] = int(float(m.group(1))) if m else 0
        return {"name": f"{key}.svg", **size}

    def file_path(self, name: str) -> Path | None:
        """Where the cached SVG of that name is (None for a name that is not one)."""
        if not re.fullmatch(r"[0-9a-f]{16,64}\.svg", name):
            return None
        return self.cache_dir / name

    def file_bytes(self, name: str) -> bytes | None:
        """The cached SVG of that name, when its signed record vouches for it (else None)."""
        path = self.file_path(name)
        if path is None:
            return None
        key = name[:-len(".svg")]
        if key in self._memory:  # made or checked by this renderer
            return self._memory[key].encode("utf-8")
        return store.read(path)


def _bundle_elsewhere() -> str | None:
    """vl-convert's bundle made by a short-lived Python process, not in the build's own.

    Making it starts vl-convert's JavaScript engine, which kept about 120 MiB
    and four threads in the build process for the rest of a cold build (the
    build's peak memory, and a build with threads cannot fork its later
    pools); the build process itself only draws PNGs with vl-convert, which
    needs no engine.  None when that process fails: made here instead.
    """
    import subprocess  # deferred: only a build without the bundle in any cache needs it

    code = "import sys, vl_convert; sys.stdout.buffer.write(vl_convert.javascript_bundle().encode('utf-8'))"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 or not done.stdout:
        return None
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None


def user_cache_dir() -> Path | None:
    """The chart folder of the user's own cache (``$XDG_CACHE_HOME/casebook/charts``, where the
    signing key lives), for what every project shares; None without a home to keep it in."""
    try:  # the folder casebook.store.user_key keeps the key in
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "casebook" / "charts"
    except RuntimeError:  # no home directory to be found
        return None


def static_spec(chart: Chart, width: int, height: int | None = None, title: bool = False) -> dict:
    """The chart's spec with a fixed width (and plot height) instead of the container's.

    The height is kept within the chart's own bounds (a chart of rows needs
    some pixels a row), so the image may be taller or shorter than asked.
    """
    spec = dict(chart.spec)  # only top-level keys are set below: the chart's own spec stays as it is
    spec["width"] = int(width)
    if height is not None:
        # a chart of rows keeps a readable height: the bounds come with the spec
        bounds = spec.get("usermeta", {}).get("casebook", {})
        low, high = bounds.get("minHeight"), bounds.get("maxHeight")
        height = int(height)
        if low is not None:
            height = max(height, int(low))
        if high is not None:
            height = min(height, int(high))
        spec["height"] = height
    if title:
        spec["title"] = {"text": chart.title}
    return spec


def cache_key(spec: dict, number: dict, time: dict) -> str:
    import vl_convert as vlc  # deferred: vl_convert is heavy and loaded only when this runs

    payload = {
        "fonts": _font_fingerprint(),
        "spec": spec,
        "format_locale": number,
        "time_format_locale": time,
        "vl_convert": vlc.__version__,
        "render": RENDER_VERSION,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=None)
def _font_dir() -> Path | None:
    folder = fonts_dir()
    return folder if folder.is_dir() else None


@lru_cache(maxsize=None)
def _font_fingerprint() -> list[str]:
    """The theme fonts' names and sizes: text is measured with them, so they key the cache."""
    folder = _font_dir()
    if folder is None:
        return []
    return sorted(f"{p.name}:{p.stat().st_size}" for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".otf"))


@lru_cache(maxsize=None)
def _register_fonts() -> None:
    """Let vl-convert measure and name text with the theme's fonts (once a process)."""
    folder = _font_dir()
    if folder is not None:
        import vl_convert as vlc  # deferred: vl_convert is heavy and loaded only when this runs

        vlc.register_font_directory(str(folder))


_ID = re.compile(r'\bid="([^"]+)"')
_EXTERNAL = re.compile(r'https?://|//[a-z0-9.-]+\.[a-z]{2,}/', re.IGNORECASE)


def clean_svg(svg: str, prefix: str) -> str:
    """Deterministic ids with a per-chart prefix; no outside references."""
    ids = list(dict.fromkeys(_ID.findall(svg)))
    if ids:
        mapping = {old: f"{prefix}{i}" for i, old in enumerate(ids, 1)}

        def ref(match: re.Match) -> str:
            return match.group(1) + mapping.get(match.group(2), match.group(2)) + match.group(3)

        svg = re.sub(r'(\bid=")([^"]+)(")', ref, svg)
        svg = re.sub(r'(url\(#)([^)]+)(\))', ref, svg)
        svg = re.sub(r'(href="#)([^"]+)(")', ref, svg)
    # The SVG is one image: whoever shows it labels it (role="img" and the
    # description on the page); its marks stay out of the accessibility tree.
    svg = re.sub(r"^<svg\b(?![^>]*aria-hidden)", '<svg aria-hidden="true" focusable="false"', svg, count=1)
    # Vega's class="marks" on the root is of no use outside Vega, and a
    # page adding its own class would make the attribute appear twice.
    svg = re.sub(r'^(<svg\b[^>]*?)\sclass="marks"', r"\1", svg, count=1)
    if "xlink:" not in svg.replace('xmlns:xlink="http://www.w3.org/1999/xlink"', ""):
        svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    # Links a spec might carry (href channel) would point outside: drop them.
    svg = re.sub(r'\s(?:xlink:)?href="(?:https?:)?//[^"]*"', "", svg)
    rest = svg.replace(f'xmlns="{SVG_NS}"', "")
    if _EXTERNAL.search(rest):
        raise ValueError("chart SVG refers to an outside address")
    return svg


__all__ = ["ChartRenderer", "user_cache_dir", "static_spec", "cache_key", "clean_svg", "RENDER_VERSION", "DEFAULT_CACHE_DIR"]
