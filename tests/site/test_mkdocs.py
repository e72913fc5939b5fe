"""casebook.site.mkdocs: the adapter alone builds the pages; the build's plugin only adds to it."""

from __future__ import annotations

from importlib.metadata import entry_points

from casebook.build.plugin import CasebookPlugin
from casebook.site.mkdocs import SiteAdapter


def test_the_entry_point_is_the_adapter_plus_the_build():
    found = {e.name: e for e in entry_points(group="mkdocs.plugins")}
    assert found["casebook"].load() is CasebookPlugin
    assert issubclass(CasebookPlugin, SiteAdapter)
    plain = SiteAdapter()
    plain.load_config({})
    assert plain.config.portfolio_max == 30  # the site's links say what the PDFs hold, so it is the site's
    built = CasebookPlugin()
    built.load_config({"portfolio_max": 5})
    assert built.config.portfolio_max == 5 and built.config.cache_dir == ".casebook-cache"
