"""A small repository whose history walks through everything the GitOps loop must
follow: entities added, changed, moved to another file, re-owned, a reference broken
and fixed, a pull request merged with a merge commit, an entity removed. Commit ids are
stable (fixed authors, dates and contents), so golden files can name them."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

GROUPS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
  annotations:
    github.com/team-slug: acme/team-a
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-b
  annotations:
    github.com/team-slug: acme/team-b
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-c
spec:
  type: team
  children: []
"""

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  description: {description}{annotations}
spec:
  type: service
  lifecycle: {lifecycle}
  owner: {owner}{depends}
"""

DB = """\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db
spec:
  type: database
  owner: team-b
"""

MKDOCS = "site_name: Orders\n"
MKDOCS_SITE = """\
site_name: Acme Portal
site_url: https://portal.acme.example/
repo_url: https://github.com/acme/portal
"""
DOCS_INDEX = "# Orders\n\nHow the orders service works.\n"


def component(
    name: str,
    owner: str,
    *,
    lifecycle: str = "production",
    description: str = "A service.",
    depends: tuple[str, ...] = (),
    techdocs: bool = False,
) -> str:
    """One Component document."""
    deps = "".join(f"\n    - {d}" for d in depends)
    annotations = "\n  annotations:\n    backstage.io/techdocs-ref: dir:." if techdocs else ""
    return COMPONENT.format(
        name=name,
        owner=owner,
        lifecycle=lifecycle,
        description=description,
        annotations=annotations,
        depends=f"\n  dependsOn:{deps}" if deps else "",
    )


@dataclass
class Repo:
    """The repository and the commit made by each step, by name."""

    root: Path
    commits: dict[str, str]

    def git(self, *args: str) -> str:
        return git(self.root, *args)


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git with no user or system configuration."""
    base = {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root),
        "PATH": os.environ.get("PATH", ""),
        "TZ": "UTC",
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env={**base, **(env or {})}, capture_output=True, text=True
    )
    if done.returncode:
        raise AssertionError(f"git {args}: {done.stderr}")
    return done.stdout


class Builder:
    """Writes files and commits them, one day apart."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        self.commits: dict[str, str] = {}
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")

    def write(self, files: dict[str, str | None]) -> None:
        for name, text in files.items():
            path = self.root / name
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")

    def commit(self, step: str, message: str, author: str = "Alice Example") -> str:
        self.day += 1
        stamp = f"2026-01-{self.day:02d}T12:00:00+00:00"
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "dev@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "dev@example.com",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", message, env=env)
        sha = git(self.root, "rev-parse", "HEAD").strip()
        self.commits[step] = sha
        return sha

    def merge(self, step: str, branch: str, message: str, author: str) -> str:
        self.day += 1
        stamp = f"2026-01-{self.day:02d}T12:00:00+00:00"
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "dev@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "dev@example.com",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        git(self.root, "merge", "-q", "--no-ff", "-m", message, branch, env=env)
        sha = git(self.root, "rev-parse", "HEAD").strip()
        self.commits[step] = sha
        return sha


ORDERS = "catalog/orders/catalog-info.yaml"


def build_history(root: Path) -> Repo:
    """Make the repository; each step's commit is in ``Repo.commits``."""
    b = Builder(root)
    orders = component(
        "orders", "team-a", lifecycle="experimental", depends=("resource:orders-db",), techdocs=True
    )
    b.write(
        {
            "mkdocs.yml": MKDOCS_SITE,
            "catalog/org/groups.yaml": GROUPS,
            ORDERS: orders + "---\n" + DB,
            "catalog/orders/mkdocs.yml": MKDOCS,
            "catalog/orders/docs/index.md": DOCS_INDEX,
            "catalog/api-gw.yaml": component("api-gw", "team-b", depends=("component:orders",)),
            "catalog/web.yaml": component("web", "team-c", depends=("component:api-gw",)),
        }
    )
    (root / "README.md").symlink_to("catalog/orders/docs/index.md")
    b.commit("initial", "Start the catalog")
    b.write({"catalog/payments.yaml": component("payments", "team-a")})
    b.commit("add", "Add the payments service (#2)", author="Bob Example")
    orders = component(
        "orders", "team-a", description="Takes orders.", depends=("resource:orders-db",),
        techdocs=True,
    )  # fmt: skip
    b.write({ORDERS: orders + "---\n" + DB})
    b.commit("change", "Orders goes to production (#3)")
    (root / "catalog/services").mkdir()
    (root / "catalog/orders").rename(root / "catalog/services/orders")
    (root / "README.md").unlink()
    (root / "README.md").symlink_to("catalog/services/orders/docs/index.md")
    b.commit("move", "Move orders into services/ (#4)")
    b.write({"catalog/payments.yaml": component("payments", "team-b")})
    b.commit("owner", "Hand payments to team B (#5)", author="Carol Example")
    web = component("web", "team-c", depends=("component:api-gw", "component:cart"))
    b.write({"catalog/web.yaml": web})
    b.commit("break", "Web depends on the cart (#6)", author="Bob Example")
    b.write({"catalog/web.yaml": component("web", "team-c", depends=("component:api-gw",))})
    b.commit("fix", "Web does not need the cart after all (#7)", author="Bob Example")
    git(root, "checkout", "-q", "-b", "docs")
    gateway = component(
        "api-gw", "team-b", description="The public gateway.", depends=("component:orders",)
    )
    b.write({"catalog/api-gw.yaml": gateway})
    b.commit("branch", "Describe the gateway", author="Dave Example")
    git(root, "checkout", "-q", "main")
    b.merge("merge", "docs", "Merge pull request #9 from acme/docs", author="Alice Example")
    b.write({"catalog/payments.yaml": None})
    b.commit("remove", "Retire payments (#10)", author="Carol Example")
    return Repo(root, b.commits)


GOLDEN = Path(__file__).parent / "golden" / "gitops"


def golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/golden/gitops/``name``; ``UPDATE_GOLDEN=1`` rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")
