"""Load: case files and the profile, from YAML to a validated model, every problem located.

yamlsrc (positions), model/ (the format), checks and project_checks (rules
across fields and files), names (hidden client names), markup (Markdown as
readers see it), media, cache (cases parsed once), project, scaffold, schema.
"""
