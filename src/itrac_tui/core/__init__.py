"""The pure core of itrac-tui: polars only, never Textual."""
