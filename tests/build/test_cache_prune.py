"""casebook build prunes its cache once it succeeded: old versions and unused entries go, nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _build(root: Path, xdg: Path, *args: str) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(xdg), SOURCE_DATE_EPOCH="1767225600")
    subprocess.run([sys.executable, "-m", "casebook.cli", "build", "--no-pdf", *args], cwd=root, env=env,
                   check=True, capture_output=True, timeout=600)


def test_a_build_prunes_old_and_unused_entries_and_leaves_the_rest(tmp_path):
    root = tmp_path / "project"
    for name in ("cases", "pages"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "profile.yaml", root)
    shutil.copy2(REPO / "mkdocs.yml", root)
    xdg = tmp_path / "xdg"
    _build(root, xdg)
    cache = root / ".casebook-cache"
    used = sorted(p.name for p in (cache / "media").iterdir())
    assert used
    plant = ("import sys; from pathlib import Path; from casebook import store; cache = Path(sys.argv[1])\n"
             "store.Cache(cache, 'media', '0').write('old-version.png', b'png of an older casebook')\n"
             "store.Cache(cache, 'media', '1').write('no-longer-used.png', b'png of a removed photo')\n"
             "store.Cache(cache, 'specs', '1').write('chart-code-of-last-year.json', b'[]')\n"
             "store.Cache(cache, 'templates', '1').write('chart-code-of-last-year.json', b'{}')\n")
    # another process, signing with the build's key (a process that uses the cache holds it until it ends)
    subprocess.run([sys.executable, "-c", plant, str(cache)], env=dict(os.environ, XDG_CACHE_HOME=str(xdg)),
                   check=True, timeout=60)
    then = time.time() - 30 * 86400
    for p in [*(cache / "media").glob("no-longer-used.png*"), *cache.glob("*/chart-code-of-last-year.json*")]:
        os.utime(p, (then, then))
    (cache / "media" / "notes.txt").write_text("mine")
    (cache / "cases-backup.yaml").write_text("mine")
    for stamp in (cache / ".used").glob("*.pruned"):  # the next build comes more than an hour later
        os.utime(stamp, (time.time() - 3601, time.time() - 3601))
    (root / "cases" / "kazan-coffee-vk.yaml").write_text(
        (root / "cases" / "kazan-coffee-vk.yaml").read_text("utf-8") + "\n# edited\n", "utf-8")
    _build(root, xdg)
    left = sorted(p.name for p in (cache / "media").iterdir())
    assert "old-version.png" not in left and "no-longer-used.png" not in left
    assert set(used) <= set(left) and "notes.txt" in left
    assert (cache / "cases-backup.yaml").read_text() == "mine"
    # the charts' caches, filled by worker processes, are pruned too: unused specs and templates go, used ones stay
    assert not list(cache.glob("*/chart-code-of-last-year.json*"))
    assert list((cache / "specs").glob("*.json")) and list((cache / "templates").glob("*.json"))
