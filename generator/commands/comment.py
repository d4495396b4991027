"""``portal comment``: post the catalog diff of a pull request as one comment, updated in
place. Runs in the privileged ``workflow_run`` workflow, on the default branch's code:
the diff comes from the pull request's unprivileged run as JSON (an artifact, so
untrusted data), is checked field by field, and is rendered here, by trusted code."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TextIO

from generator.config import Config
from generator.errors import ConfigError
from generator.forge import Forge, ForgeError
from generator.gitops.artifact import ArtifactError, from_json
from generator.gitops.comment import fit, upsert
from generator.gitops.report import Links, markdown

OK = 0
MAX_ARTIFACT = 16 << 20
"""Bytes of diff JSON read at most: a larger one is not what portal diff writes."""
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
BOT = "github-actions[bot]"
"""The account ``GITHUB_TOKEN`` comments as."""


def _read(path: Path, limit: int) -> str:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise ArtifactError(f"cannot read {path.name}: {exc.strerror}") from exc
    if len(data) > limit:
        raise ArtifactError(f"{path.name} is larger than {limit} bytes: not a portal diff")
    return data.decode("utf-8", "replace")


def read_number(path: Path) -> int:
    """The pull request number the unprivileged run wrote: digits, nothing else."""
    text = _read(path, 32).strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ArtifactError(f"{path.name} should hold a pull request number, not {text[:20]!r}")
    return int(text)


def run_comment(
    config: Config,
    *,
    repo: str,
    number_file: Path,
    diff_file: Path,
    head_sha: str | None = None,
    author: str = BOT,
    dry_run: bool = False,
    forge: Forge | None = None,
    out: TextIO | None = None,
) -> int:
    """Post (or update) the comment; 0 when done or nothing to do."""
    out = out or sys.stdout
    if not _REPO.fullmatch(repo):
        raise ConfigError(f"--repo should be owner/name, not {repo!r}")
    if head_sha is not None and not _SHA.fullmatch(head_sha):
        raise ConfigError("--head-sha should be a full commit id")
    number = read_number(number_file)
    try:
        diff = from_json(json.loads(_read(diff_file, MAX_ARTIFACT)))
    except ValueError as exc:
        raise ArtifactError(f"{diff_file.name} is not JSON: {exc}") from exc
    body = fit(markdown(diff, Links(config.site.site_url, config.site.repo_url)))
    create = not diff.empty or bool(diff.introduced or diff.fixed)
    if dry_run:
        out.write(f"portal: would {'post' if create else 'update, if present,'} on #{number}:\n")
        out.write(body)
        return OK
    if forge is None:
        from generator.forge.github import GitHubForge

        forge = GitHubForge()
    if head_sha is not None:
        # The number came from the pull request's own run: it must name the pull
        # request whose head that run was for, or another one would get the comment.
        pull = forge.pull(repo, number)
        if pull is None:
            raise ForgeError(f"refusing to comment: there is no pull request #{number}")
        if pull.head_sha != head_sha:  # moved on since (its own run comments), or forged
            out.write(
                f"portal: not commenting: #{number} is at {pull.head_sha[:12]}, "
                f"this diff is of {head_sha[:12]}\n"
            )
            return OK
    posted = upsert(forge, repo, number, body, author=author, create=create)
    out.write(f"portal: comment {posted.action} on #{number}\n")
    return OK
