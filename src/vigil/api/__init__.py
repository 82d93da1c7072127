"""The yente-compatible HTTP API (`vigil serve`)."""
from vigil.api.app import create_app

__all__ = ["create_app"]
