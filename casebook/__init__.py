"""casebook: SMM case files (YAML) to a portfolio site and PDFs.

Data flows one way, one subpackage a step: :mod:`casebook.load` (YAML to a
validated model, with located errors), :mod:`casebook.compute` (derived
metrics, pure functions), :mod:`casebook.render` (views, templates, charts),
then :mod:`casebook.site` and :mod:`casebook.pdf`, run by :mod:`casebook.build`
and started from :mod:`casebook.cli`.  See docs/architecture.md.
"""

__version__ = "0.1.0"
