"""casebook.load.model: the strict case format, one module per concept."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casebook import registry
from casebook.load.model import Case, Metrics, Profile


def test_metrics_has_one_field_per_count_of_the_registry():
    counts = {m.id for m in registry.metrics().values() if not m.derived}
    assert set(Metrics.model_fields) == counts


def test_unknown_keys_are_refused_everywhere():
    with pytest.raises(ValidationError):
        Profile.model_validate({"name": "A", "role": "SMM", "bio": "b", "contacts": {}, "favourite": "x"})


def test_a_case_is_frozen():
    assert Case.model_config["frozen"] and Case.model_config["extra"] == "forbid"
