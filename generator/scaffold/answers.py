"""Provenance: what every run records so drift, upgrades and adoption can be computed.

* ``.portal-answers.yaml`` at the root of each generated project: the template's ref
  and version, the request and the answers (secrets left out);
* on every entity the run creates, ``backstage.io/source-template`` and
  ``gitops-portal.io/template-version``.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.scaffold.template import SOURCE_TEMPLATE_ANNOTATION, VERSION_ANNOTATION
from generator.yaml12 import read_yaml

ANSWERS_FILE = ".portal-answers.yaml"
_ENTITY_API = ("backstage.io/", "scaffolder.backstage.io/")


def answers_yaml(template: str, version: str, request: str, values: dict[str, Any]) -> bytes:
    """The answers file: plain YAML, keys in a fixed order, values as given."""
    doc = {"template": template, "version": version, "request": request, "values": values}
    out = io.StringIO()
    out.write(
        "# Written by the developer portal when this project was generated from its golden\n"
        "# path. Keep it: upgrades re-render the template with these answers.\n"
    )
    _yaml().dump(doc, out)
    return out.getvalue().encode()


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def is_entity(data: Any) -> bool:
    """A Backstage entity document (not, say, a Kubernetes manifest)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and data["apiVersion"].startswith(_ENTITY_API)
        and isinstance(data.get("kind"), str)
        and isinstance(data.get("metadata"), dict)
    )


def annotate(text: str, template: str, version: str) -> tuple[str, list[dict[str, Any]]]:
    """``text`` (a YAML file) with the provenance annotations added to each entity in
    it, comments and layout kept; and the entities found. Text that is not YAML, or
    holds no entity, comes back unchanged."""
    docs, problems = read_yaml(text)
    entities = [d.data for d in docs if is_entity(d.data)]
    if problems or not entities:
        return text, []
    yaml = _yaml()
    try:
        loaded = list(yaml.load_all(text))
    except YAMLError:
        return text, []
    for data in loaded:
        if is_entity(data):
            meta = data["metadata"]
            if not isinstance(meta.get("annotations"), dict):
                meta["annotations"] = {}
            meta["annotations"][SOURCE_TEMPLATE_ANNOTATION] = template
            meta["annotations"][VERSION_ANNOTATION] = version
    out = io.StringIO()
    yaml.explicit_start = text.lstrip().startswith("---") or len(loaded) > 1
    yaml.dump_all(loaded, out)
    annotated = out.getvalue()
    return annotated, [d.data for d in read_yaml(annotated)[0] if is_entity(d.data)]
