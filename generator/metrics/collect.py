"""``portal metrics collect``: GitHub to ``metrics/events/``, through the Forge seam.

For each repository a catalog entity names (``github.com/project-slug``): deployments
to the DORA environment and their statuses, the commits each added (the compare API
between consecutive successfully deployed SHAs), and issues labelled as incidents
(pull requests left out). Incremental: the state file remembers, per repository, the
newest deployment fully read and when issues were last read; a deployment still in
progress is read again next time. Idempotent: events have ids, and a second run over
the same data changes no file. Rate limits: wait when the reset is within
``max_wait`` seconds, else stop cleanly, keeping every event already fetched and the
state of every repository finished (the interrupted one is read again next time).

Conventions, documented in the handbook: an incident names its cause with a line
``root cause: <sha>`` (Four Keys'); the cause is the first successful deployment that
shipped that commit. A deployment is rework when it was made while an incident of the
same entity was open: unplanned work to restore service.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from generator.forge import Deployment, Forge, RateLimited
from generator.metrics.events import Events

SLUG = "github.com/project-slug"
_ROOT_CAUSE = re.compile(r"root cause:\s*([0-9A-Za-z]+)", re.I)
_DONE = {"success", "failure", "error"}


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Collected:
    """What one run fetched, and why it stopped early (if it did)."""

    events: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, dict[str, str]] = field(default_factory=dict)
    repositories: int = 0
    stopped: str | None = None


def _finished(d: Deployment) -> tuple[str, datetime] | None:
    """(status, time): the first success, else the last failure or error; None while
    the deployment is still queued or in progress."""
    success = [t for state, t in d.statuses if state == "success"]
    if success:
        return "success", min(success)
    failed = [t for state, t in d.statuses if state in ("failure", "error")]
    return ("failure", max(failed)) if failed else None


class Collector:
    """Collects one repository at a time into :attr:`out`."""

    def __init__(
        self,
        forge: Forge,
        known: Events,
        *,
        environment: str,
        label: str,
        since: datetime | None,
        state: dict[str, dict[str, str]],
        now: Callable[[], datetime],
    ) -> None:
        self.forge, self.known, self.env, self.label, self.since, self.now = (
            forge, known, environment, label, since, now,
        )  # fmt: skip
        self.out = Collected(state={k: dict(v) for k, v in state.items()})

    def repository(self, repo: str, entity: str) -> None:
        """Fetch one repository's new events; its state advances only when it finishes."""
        state = dict(self.out.state.get(repo, {}))
        after = state.get("deployments_after")
        floor = datetime.fromisoformat(after) if after else self.since
        fresh: list[Deployment] = []
        for d in self.forge.deployments(repo, environment=self.env):
            if floor is not None and d.created_at <= floor:
                break
            fresh.append(d)
        fresh.reverse()  # oldest first: each compare starts at the previous success
        pending = [d.created_at for d in fresh if _finished(d) is None]
        base = state.get("last_sha")
        for d in fresh:
            done = _finished(d)
            if done is None:
                continue
            status, when = done
            commits = self.forge.compare(repo, base, d.sha) if base else []
            for c in commits:
                self.out.events.append({"kind": "change", "entity": entity, "sha": c.sha,
                                        "time": _iso(c.time)})  # fmt: skip
            self.out.events.append({
                "kind": "deployment", "id": str(d.id), "entity": entity,
                "environment": d.environment, "time": _iso(when), "status": status,
                "sha": d.sha, "changes": [c.sha for c in commits] or [d.sha],
                "rework": False, "workflow": getattr(d, "workflow", ""),
            })  # fmt: skip
            if status == "success":
                base = d.sha
        issues_from = state.get("issues_since")
        started = self.now()  # when this read began: the next one starts there
        since = datetime.fromisoformat(issues_from) if issues_from else self.since
        for issue in self.forge.issues(repo, labels=[self.label], since=since):
            match = _ROOT_CAUSE.search(issue.body)
            self.out.events.append({
                "kind": "incident", "id": f"{repo}#{issue.number}", "entity": entity,
                "opened": _iso(issue.created_at),
                "resolved": _iso(issue.closed_at) if issue.closed_at else None,
                "cause": match.group(1).lower() if match else None,
            })  # fmt: skip
        if pending:  # read again from just before the oldest unfinished one
            state["deployments_after"] = _iso(min(pending) - timedelta(seconds=1))
        elif fresh:
            state["deployments_after"] = _iso(fresh[-1].created_at)
        if base:
            state["last_sha"] = base
        state["issues_since"] = _iso(started)
        self.out.state[repo] = state
        self.out.repositories += 1


def collect(
    forge: Forge,
    repositories: Iterable[tuple[str, str]],
    known: Events,
    *,
    environment: str,
    label: str,
    since: datetime | None,
    state: dict[str, dict[str, str]],
    max_wait: int = 0,
    sleep: Callable[[float], None] | None = None,
    now: Callable[[], datetime],
) -> Collected:
    """Fetch every repository's new events ((repository, entity key) pairs)."""
    collector = Collector(
        forge, known, environment=environment, label=label, since=since, state=state, now=now
    )
    for repo, entity in sorted(repositories):
        while True:
            kept = len(collector.out.events)
            try:
                collector.repository(repo, entity)
                break
            except RateLimited as exc:
                wait = (exc.reset - now()).total_seconds() if exc.reset else None
                if sleep is not None and wait is not None and 0 <= wait <= max_wait:
                    del collector.out.events[kept:]  # read again whole after the wait
                    sleep(wait + 1)
                    continue
                when = f" until {_iso(exc.reset)}" if exc.reset else ""
                collector.out.stopped = f"GitHub's rate limit is spent{when} ({repo})"
                return _finish(collector.out, known)
    return _finish(collector.out, known)


def _finish(out: Collected, known: Events) -> Collected:
    """Name causes by deployment id, and mark rework, using every event known."""
    deployments = [e for e in out.events if e["kind"] == "deployment"]
    incidents = [e for e in out.events if e["kind"] == "incident"]
    shipped: dict[tuple[str, str], tuple[str, str]] = {}
    for d in sorted(deployments, key=lambda e: e["time"]):
        for sha in d["changes"]:
            if d["status"] == "success":
                shipped.setdefault((d["entity"], sha), (d["time"], d["id"]))
    for old in known.deployments.values():
        if old.success:
            for sha in old.changes:
                key = (old.entity, sha)
                when = _iso(datetime.fromtimestamp(old.time, UTC))
                if key not in shipped or when < shipped[key][0]:
                    shipped[key] = (when, old.id)
    for inc in incidents:
        sha = inc["cause"]
        if sha is not None:
            hit = next((v for (e, s), v in shipped.items() if e == inc["entity"]
                        and s.startswith(sha)), None)  # fmt: skip
            inc["cause"] = hit[1] if hit else None
    spans = [(i["entity"], i["opened"], i["resolved"]) for i in incidents]
    spans += [(i.entity, _iso(datetime.fromtimestamp(i.opened, UTC)),
               _iso(datetime.fromtimestamp(i.resolved, UTC)) if i.resolved else None)
              for i in known.incidents.values()]  # fmt: skip
    for d in deployments:
        d["rework"] = any(e == d["entity"] and o < d["time"] and (r is None or d["time"] < r)
                          for e, o, r in spans)  # fmt: skip
    return out


def event_key(event: dict[str, Any]) -> tuple[str, ...]:
    """The identity the events loader dedupes on."""
    if event.get("kind") == "change":
        return ("change", str(event.get("entity")), str(event.get("sha")))
    return (str(event.get("kind")), str(event.get("id")))


def month_of(event: dict[str, Any]) -> str:
    """The events file an event belongs in, by its time (an incident: when opened)."""
    return str(event.get("time") or event.get("opened"))[:7] + ".jsonl"


def merge(folder: Path, events: list[dict[str, Any]]) -> dict[str, str]:
    """New file contents (only files that change): a line whose id is fetched again with
    other values is replaced where it is; new events are appended in time order."""
    by_file: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_file.setdefault(month_of(e), []).append(e)
    changed = {}
    for name, new in sorted(by_file.items()):
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        index: dict[tuple[str, ...], int] = {}
        for i, line in enumerate(lines):
            try:
                index[event_key(json.loads(line))] = i
            except (ValueError, AttributeError):
                continue  # a bad line stays for validate to report
        for e in sorted(new, key=lambda e: (str(e.get("time") or e.get("opened")), event_key(e))):
            text = json.dumps(e)
            at = index.get(event_key(e))
            if at is None:
                index[event_key(e)] = len(lines)
                lines.append(text)
            elif lines[at] != text:
                lines[at] = text
        result = "\n".join(lines) + "\n"
        if not path.is_file() or path.read_text(encoding="utf-8") != result:
            changed[name] = result
    return changed
