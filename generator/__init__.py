"""GitOps developer portal generator: load, validate, graph, render and write.

The public Python API::

    from generator import load_catalog, load_config
    catalog = load_catalog(None, load_config(Path(".")))
"""

from generator.catalog import Catalog, load_catalog
from generator.config import Config, load_config
from generator.diagnostics import Finding, Severity

__all__ = ["Catalog", "Config", "Finding", "Severity", "load_catalog", "load_config"]
