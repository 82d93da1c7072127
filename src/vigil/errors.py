"""Errors shared by every layer (the lowest module besides settings: anything may import it)."""
from __future__ import annotations


class QueryError(ValueError):
    """A screening query or option the caller got wrong (unknown schema, impossible birth date, unknown
    algorithm ...). The message is meant for the user: HTTP 400 in the API, exit 2 with one line in the CLI.
    The one class for this: the matcher raises it, the service layer raises it, the front ends catch it."""
