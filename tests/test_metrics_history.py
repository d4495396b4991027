"""Adoption over time, replayed from a real temporary git repository's history (read
from git objects; the working tree is never checked out)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.git import Git
from generator.metrics.history import adoption_trend
from generator.yaml12 import Limits

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  annotations: {annotations}
spec:
  type: service
  lifecycle: production
  owner: team-a
"""
GOLDEN = "{backstage.io/source-template: 'template:default/svc'}"


def _git(root: Path, *args: str, date: str | None = None) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    for who in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{who}_NAME": "T", f"GIT_{who}_EMAIL": "t@example.com"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.strip()


def _commit(root: Path, files: dict[str, str], date: str) -> str:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "change", date=date)
    return _git(root, "rev-parse", "HEAD")


def test_adoption_is_replayed_week_by_week_from_git_objects(tmp_path):
    _git(tmp_path, "init", "-q", "-b", "main")
    _commit(tmp_path, {"catalog/a.yaml": COMPONENT.format(name="a", annotations="{}"),
                       "catalog/b.yaml": COMPONENT.format(name="b", annotations="{}")},
            "2026-03-02T10:00:00+00:00")  # fmt: skip
    _commit(tmp_path, {"catalog/a.yaml": COMPONENT.format(name="a", annotations=GOLDEN)},
            "2026-03-10T10:00:00+02:00")  # fmt: skip
    head = _commit(tmp_path, {"catalog/c.yaml": COMPONENT.format(name="c", annotations=GOLDEN),
                              "README.md": "not catalog\n"}, "2026-03-17T09:00:00Z")  # fmt: skip
    (tmp_path / "catalog/a.yaml").unlink()  # the working tree is not what is read
    trend = adoption_trend(Git(tmp_path), head, ["catalog"], Limits(), 1 << 20, weeks=4)
    assert [(day, s.components, s.from_golden_paths) for day, s in trend] == [
        ("2026-03-03", 2, 0),
        ("2026-03-10", 2, 1),  # +02:00: landed 08:00 UTC, before the cut
        ("2026-03-17", 3, 2),
    ]


def test_no_repository_gives_no_trend(tmp_path):
    assert adoption_trend(Git(tmp_path), "0" * 40, ["catalog"], Limits(), 1 << 20) == []
