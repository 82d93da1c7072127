"""What every page needs: the loaded index (or a clear page saying why there is none)."""
from __future__ import annotations

from fastapi import Request

from vigil.api.state import LoadedIndex


class PageError(Exception):
    """Rendered as the error page with this status (404 unknown entity, 503 index loading ...)."""

    def __init__(self, status: int, message: str, title: str = "Problem"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title


def loaded(request: Request) -> LoadedIndex:
    state = request.app.state.index
    current = state.current
    if current is None:
        raise PageError(503, state.error or "The lists are still loading; this page refreshes in a few seconds.",
                        title="Loading")
    return current


def is_partial(request: Request) -> bool:
    """Requests from the live-search script want the results fragment only."""
    return request.headers.get("x-vigil-partial") == "1"


def record(request: Request, endpoint: str, user_name: str | None, query: dict, top_ids: list[str]) -> None:
    """Screenings from the UI land in the same screening log as the API's."""
    recorder = getattr(request.app.state, "recorder", None)
    if recorder is None:
        return
    from vigil.service.screening_log import ScreeningEntry

    recorder.add(ScreeningEntry(endpoint=endpoint, key_name=user_name, query=query, top_ids=top_ids))
