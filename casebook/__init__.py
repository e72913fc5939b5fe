"""casebook: SMM case files (YAML) to a portfolio site and PDFs.

Data flows one way: :mod:`casebook.load` (YAML to validated model, with
located errors), :mod:`casebook.compute` (derived metrics, pure functions),
then the renderers (site pages, charts, PDFs).
"""

__version__ = "0.1.0"
