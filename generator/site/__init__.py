"""Stage 4: render the catalog into Markdown, data and assets for MkDocs."""
