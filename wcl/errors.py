"""The one error type a service raises when it refuses an action.

A refusal is not a crash: the message is already translated for the person
who asked, and ``field`` names the form field at fault (or None for a message
about the whole page). Each domain subclasses it under its own name
(``CohortError``, ``PaymentError`` …) so an ``except`` still reads well, and
views show any of them with :func:`wcl.forms.apply_error`.
"""


class ServiceError(ValueError):
    """A refused action; ``message`` is translated, ``field`` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
