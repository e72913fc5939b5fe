"""Render: a case's view, the Jinja templates of theme/, charts, locale formatting, the field reference."""
