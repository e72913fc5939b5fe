"""casebook new: a commented case file that checks as it stands, never over an existing one."""

from __future__ import annotations


def test_new_case_checks_and_is_not_overwritten(casebook, tmp_path):
    assert casebook("new", "fresh-case", cwd=tmp_path).returncode == 0
    written = (tmp_path / "cases" / "fresh-case.yaml").read_text("utf-8")
    assert casebook("check", "cases/fresh-case.yaml", cwd=tmp_path).returncode == 0
    again = casebook("new", "fresh-case", cwd=tmp_path)
    assert again.returncode != 0
    assert (tmp_path / "cases" / "fresh-case.yaml").read_text("utf-8") == written


def test_new_never_writes_through_a_link(casebook, tmp_path):
    """A review found `casebook new` following a link to nothing and writing the file outside the project."""
    (tmp_path / "cases").mkdir()
    outside = tmp_path / "elsewhere" / "x.yaml"
    (tmp_path / "cases" / "linked.yaml").symlink_to(outside)
    result = casebook("new", "linked", cwd=tmp_path)
    assert result.returncode != 0 and "already exists" in result.stderr
    assert not outside.exists() and (tmp_path / "cases" / "linked.yaml").is_symlink()


def test_new_on_a_full_disk_leaves_no_file_and_names_the_path(tmp_path, monkeypatch):
    """A review filled the disk: `casebook new` left an empty case file behind (every later check and
    build failed on it, and `new` with the slug said it existed), and the message named no file."""
    import errno
    import io

    from click.testing import CliRunner

    from casebook import store
    from casebook.cli import main

    class Full(io.RawIOBase):
        def __init__(self, fd, *args, **kwargs):
            self.fd = fd

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            import os
            os.close(self.fd)

    monkeypatch.setattr(store.os, "fdopen", Full)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "full-disk"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cases/full-disk.yaml: No space left on device" in result.stderr
    assert list((tmp_path / "cases").iterdir()) == []
