"""``catalog:write``, ``catalog:register`` and ``debug:log``.

In a GitOps portal registering an entity means adding its file to this repository:
``catalog:register`` puts the entity file a run generated into the pull request to this
repository, with relative annotations (``dir:`` TechDocs refs) made absolute, since the
file no longer sits beside the docs they point at.
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.scaffold.actions import Action, StepContext
from generator.scaffold.answers import is_entity
from generator.scaffold.workspace import File, RunError, safe_join
from generator.yaml12 import read_yaml

_TECHDOCS_REF = "backstage.io/techdocs-ref"


def catalog_write(ctx: StepContext) -> dict[str, Any]:
    """Write ``entity`` as YAML to ``filePath`` (default catalog-info.yaml)."""
    entity = ctx.input.get("entity")
    if not isinstance(entity, dict):
        raise RunError("template.render", "the input 'entity' must be a mapping (an entity)")
    text = yaml.safe_dump(entity, sort_keys=False, allow_unicode=True, width=4096)
    path = safe_join("", ctx.text("filePath", "catalog-info.yaml"), "filePath")
    ctx.run.write(path, File(text.encode()), replace=True)
    return {}


def catalog_register(ctx: StepContext) -> dict[str, Any]:
    """Add the generated entity file to the pull request to this repository."""
    run = ctx.run
    contents = ctx.input.get("repoContentsUrl")
    if "catalogInfoUrl" in ctx.input and contents is None:
        raise RunError(
            "template.render",
            "catalogInfoUrl names a file elsewhere; give repoContentsUrl (from publish:github) "
            "and catalogInfoPath, so the entity file can be added to this repository",
        )
    folder = run.published.get(str(contents), "") if contents else ""
    info = ctx.text("catalogInfoPath", "/catalog-info.yaml").lstrip("/")
    path = safe_join(folder, info, "catalogInfoPath")
    file = run.workspace.files.get(path)
    if file is None:
        raise RunError("template.render", f"no generated file '{info}' to register")
    docs, _ = read_yaml(file.data.decode("utf-8", "replace"))
    entity = next((d.data for d in docs if is_entity(d.data)), None)
    if entity is None:
        raise RunError("template.render", f"'{info}' holds no catalog entity")
    meta = entity["metadata"]
    ref = f"{entity['kind'].lower()}:{meta.get('namespace') or 'default'}/{meta.get('name')}"
    if not contents:  # generated for this repository: already in its pull request
        return {"entityRef": ref, "catalogInfoUrl": info}
    tree = str(contents).replace("/blob/", "/tree/", 1)
    default_at = f"catalog/{entity['metadata'].get('name')}/catalog-info.yaml"
    at = safe_join("", ctx.text("targetPath", default_at), "targetPath")
    target = run.this_repo_target()
    target.steps.append(ctx.step_id)
    target.title = target.title or f"Register {ref}"
    target.files[at] = File(_absolute_refs(file.data, tree).encode())
    run.entities.append((ref, at))
    return {"entityRef": ref, "catalogInfoUrl": f"{contents}/{info}"}


def _absolute_refs(data: bytes, tree: str) -> str:
    """``dir:`` TechDocs refs and relative source locations made into URLs of the
    repository the entity came from."""
    from ruamel.yaml import YAML

    from generator.scaffold.answers import _yaml

    text = data.decode("utf-8")
    loader: YAML = _yaml()
    docs = list(loader.load_all(text))
    for doc in docs:
        annotations = doc.get("metadata", {}).get("annotations") if is_entity(doc) else None
        ref = annotations.get(_TECHDOCS_REF) if isinstance(annotations, dict) else None
        if isinstance(annotations, dict) and isinstance(ref, str) and ref.startswith("dir:"):
            rel = ref[4:].strip().removeprefix("./").rstrip("/")
            annotations[_TECHDOCS_REF] = f"url:{tree}" + (f"/{rel}" if rel and rel != "." else "")
        if isinstance(annotations, dict):
            annotations.setdefault("backstage.io/source-location", f"url:{tree}/")
    import io

    out = io.StringIO()
    loader.dump_all(docs, out)
    return out.getvalue()


def debug_log(ctx: StepContext) -> dict[str, Any]:
    """Add ``message`` to the run's log; ``listWorkspace`` lists the files so far."""
    if "message" in ctx.input:
        ctx.run.log.append(f"{ctx.step_id}: {ctx.text('message')}")
    listing = ctx.input.get("listWorkspace")
    if listing:
        for path, file in sorted(ctx.run.workspace.files.items()):
            ctx.run.log.append(f"{ctx.step_id}: {path}")
            if listing == "with-contents":
                ctx.run.log.append(file.data.decode("utf-8", "replace"))
    return {}


ACTIONS = {
    "catalog:write": Action(catalog_write, "Write an entity file", ("entity", "filePath")),
    "catalog:register": Action(
        catalog_register,
        "Add the entity file to the pull request to this repository",
        # optional: registering here cannot fail, so there is nothing to make optional.
        ("repoContentsUrl", "catalogInfoPath", "catalogInfoUrl", "targetPath", "optional"),
    ),
    "debug:log": Action(debug_log, "Write to the run's log", ("message", "listWorkspace")),
}
