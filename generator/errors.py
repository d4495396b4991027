"""The portal's exceptions. Content problems are findings, not exceptions; these are for
conditions that stop a command: bad configuration (exit 2) and failed side effects."""

from __future__ import annotations


class PortalError(Exception):
    """Base of every error the CLI turns into a message without a traceback."""

    exit_code = 3


class ConfigError(PortalError):
    """portal.yaml, mkdocs.yml or the command line is wrong: exit 2."""

    exit_code = 2


class BuildError(PortalError):
    """A build step (MkDocs, Graphviz) failed on valid input: exit 1."""

    exit_code = 1
