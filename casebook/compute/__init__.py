"""Compute: pure functions of a case; metrics (formulas, the change rule) and facts."""
