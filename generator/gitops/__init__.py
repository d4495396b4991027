"""The GitOps loop: the catalog compared between revisions (``portal diff``), the
pull-request comment, CODEOWNERS from ownership, and per-entity history.

Computation here is pure; git is read through :class:`generator.git.Git` and GitHub
through :mod:`generator.forge`, by the commands in :mod:`generator.commands`.
"""
