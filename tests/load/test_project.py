"""casebook.load.project: a project is its cases, split public and private, and its profile."""

from __future__ import annotations

from casebook.load.project import folder_name, open_project

from sitebuild import copy_demo


def test_demo_project_splits_public_and_private(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    assert project.public_cases and project.private_cases
    assert not {c.case.slug for c in project.public_cases} & {c.case.slug for c in project.private_cases}
    assert project.profile is not None


def test_client_folder_names_are_safe():
    name = folder_name("ООО «Урал/Строй»")
    assert "/" not in name and name


def test_a_profile_that_is_a_pipe_is_an_error_and_nothing_waits_for_it(tmp_path):
    """A review found `casebook build` waiting for ever on a profile.yaml that was a named pipe."""
    import os
    import subprocess
    import sys

    from sitebuild import copy_demo

    root = copy_demo(tmp_path / "p")
    (root / "profile.yaml").unlink()
    os.mkfifo(root / "profile.yaml")
    proc = subprocess.run([sys.executable, "-m", "casebook.cli", "build", "--no-pdf"], cwd=root, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "profile.yaml:0:0: not a regular file (a pipe, socket or device); casebook reads only files" in proc.stderr
    assert not (root / "site").exists()
