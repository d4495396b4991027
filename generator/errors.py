"""The portal's exceptions. Content problems are findings, not exceptions; these are for
conditions that stop a command: bad configuration (exit 2) and failed side effects;
and how a path error is put in a message."""

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


def path_error_reason(exc: Exception) -> str:
    """Why a path could not be used, without the absolute path the error names: it
    would show the build machine's folders in a finding. RuntimeError is Python 3.11's
    for a loop of links."""
    if isinstance(exc, RuntimeError):
        return "links point at each other in a loop"
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
