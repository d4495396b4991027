"""Metrics from data kept in git: DORA's five keys, scorecards, adoption.

Stages, each its own module: :mod:`events` (load and check ``metrics/events/*.jsonl``),
:mod:`dora` (pure computation), :mod:`scorecards` and :mod:`exceptions` (rules and
waivers), :mod:`adoption` (golden paths, drift, coverage), :mod:`history` (adoption over
the catalog's git history), :mod:`collect` (GitHub to events), :mod:`charts` (static
SVG) and :mod:`pages` (the site's ``metrics/`` section). Nothing here prints.
"""
