"""The read-only reporting API under /api/v1 and the personal access tokens it takes."""

PREFIX = "/api/v1"


def is_api_path(path: str) -> bool:
    """Whether a request is for the API: it answers in JSON, never with a page,
    and knows no session."""
    return path == PREFIX or path.startswith(PREFIX + "/")
