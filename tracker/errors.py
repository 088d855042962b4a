"""Errors that business rules raise; views turn them into Dutch messages."""


class DomainError(Exception):
    """A rule was broken. `field` names the form field the message belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The acting user may not do this."""
