"""The definition stage: YAML bytes in, an immutable, checked `Process` out.

yaml_source reads safe YAML with positions, schema validates it, build makes the model, checks proves it
coherent; loader is the one way through, and the only place that chooses the schema and the default path.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_PROCESS = Path("process/escalation.yaml")  # where a repository keeps its definition, unless told otherwise
SCHEMA_BESIDE = Path("schema/process.schema.json")  # where the definition's modeline points, from its folder
SCHEMA_CHOICE = "default: schema/process.schema.json beside the definition, else the one that comes with cep"
