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



SERVE_LIKE = """\
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
for line in sys.stdin:  # one build per line, in this one process, as casebook serve rebuilds
    build(load_config("mkdocs.yml"))
    print("built", flush=True)
"""


def test_a_rebuild_within_the_hour_of_the_last_does_not_walk_the_cache_again(tmp_path):
    """The rebuilds of `casebook serve` (one process, MkDocs' build each time) record their files in
    the build state after pruning; the state's cache, first used after the first prune, made the
    next rebuild walk the whole cache again (0.9 s of the first save at 1,000 cases)."""
    root = tmp_path / "project"
    for name in ("cases", "pages"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "profile.yaml", root)
    shutil.copy2(REPO / "mkdocs.yml", root)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"), SOURCE_DATE_EPOCH="1767225600")
    cache = root / ".casebook-cache"
    server = subprocess.Popen([sys.executable, "-c", SERVE_LIKE], cwd=root, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        def rebuild() -> None:
            server.stdin.write("build\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "built", "the build failed"

        rebuild()  # the server's first build: it prunes
        plant = ("import sys; from pathlib import Path; from casebook import store; cache = Path(sys.argv[1])\n"
                 "store.Cache(cache, 'media', '1').write('no-longer-used.png', b'png of a removed photo')\n")
        subprocess.run([sys.executable, "-c", plant, str(cache)], env=env, check=True, timeout=60)
        then = time.time() - 30 * 86400
        for p in (cache / "media").glob("no-longer-used.png*"):
            os.utime(p, (then, then))
        rebuild()  # a save a moment later: no walk, the unused entry stays
        assert (cache / "media" / "no-longer-used.png").exists()
        for stamp in (cache / ".used").glob("*.pruned"):  # a save an hour later walks it: the entry goes
            os.utime(stamp, (time.time() - 3601, time.time() - 3601))
        rebuild()
        assert not (cache / "media" / "no-longer-used.png").exists()
    finally:
        server.stdin.close()
        server.wait(timeout=60)
