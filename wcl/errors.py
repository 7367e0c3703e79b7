"""The one error type a service raises when it refuses an action.

A refusal is not a crash: the message is already translated for the person
who asked, and ``field`` names the form field at fault (or None for a message
about the whole page). Each domain subclasses it under its own name
(``CohortError``, ``PaymentError`` …) so an ``except`` still reads well, and
views show any of them with :func:`wcl.forms.apply_error`.
"""

from wcl.extensions import db


class ServiceError(ValueError):
    """A refused action; ``message`` is translated, ``field`` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    @classmethod
    def refuse(cls, message, field=None):
        """Undo anything flushed so far (a refusal changes nothing), then raise this refusal."""
        db.session.rollback()
        raise cls(message, field)
