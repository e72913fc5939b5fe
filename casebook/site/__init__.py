"""Site: the portfolio site as a plan of pages (plan), handed to MkDocs (mkdocs) with the Material theme (material)."""
