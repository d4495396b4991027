"""One module per sub-command; each exposes a function returning an exit code."""
