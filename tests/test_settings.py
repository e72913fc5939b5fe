"""casebook.settings: settings read in one place."""

from __future__ import annotations

import subprocess
import sys

from casebook import settings


def test_files_casebook_ships_are_where_settings_say():
    assert (settings.DATA_DIR / "metrics.yaml").is_file()
    assert (settings.SCAFFOLD_DIR / "case.en.yaml").is_file()
    assert (settings.fonts_dir() / "NotoSans-Regular.ttf").is_file()
    assert (settings.theme_dir() / "icons" / "simple" / "LICENSE.md").is_file()


def _epoch(value: str | None) -> str:
    env = {"PATH": "/usr/bin:/bin"}
    if value is not None:
        env["SOURCE_DATE_EPOCH"] = value
    code = "from casebook import settings; print(settings.source_date_epoch())"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_source_date_epoch_is_a_whole_number_or_nothing():
    assert _epoch("1767225600") == "1767225600"
    assert _epoch(" 1767225600 ") == "1767225600"
    assert _epoch("yesterday") == "None"
    assert _epoch(None) == "None"


def test_one_size_limit_for_input_files():
    from casebook.load import yamlsrc

    assert yamlsrc.MAX_BYTES == settings.MAX_FILE_BYTES == 1_000_000


def test_casebook_s_own_data_files_read_the_same_with_libyaml_as_with_pyyaml():
    import yaml

    files = sorted(settings.DATA_DIR.glob("*.yaml")) + sorted(settings.LOCALES_DIR.glob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        assert settings.package_yaml(path) == yaml.safe_load(path.read_text("utf-8")), path.name
