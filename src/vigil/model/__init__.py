"""The entity model: FtM-compatible schemata (data, in schemata.yml) and the `Entity` type."""
from .entity import NAME_PROPS, Entity
from .schema import Edge, Model, Schema, SchemaError, model

__all__ = ["Entity", "Edge", "Model", "Schema", "SchemaError", "model", "NAME_PROPS"]
