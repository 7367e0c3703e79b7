"""Request input, normalised before any view reads it.

* Every query-string and posted value goes through ``wcl.text.strip_invisible``
  (passwords excepted: they are compared as typed), and a request carrying a
  control character (a NUL byte…) in one is refused with 400: views that read
  ``request.form`` or ``request.args`` without a form get the same text as
  forms do.
* ``request.args.get(name, type=int)`` and ``getlist(..., type=int)`` give the
  default for a number outside PostgreSQL's integer range, and ``<int:...>`` in
  a route matches only such numbers: a huge id is a 404, never a 500.
"""

from flask import Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from wcl.text import has_control, strip_invisible

MAX_INT = 2**31 - 1  # PostgreSQL integer
PASSWORD_FIELDS = frozenset({"password", "confirm", "current_password"})


def bounded_int(value):
    """``int(value)`` within PostgreSQL's integer range; ``ValueError`` otherwise."""
    number = int(value)
    if not -MAX_INT - 1 <= number <= MAX_INT:
        raise ValueError("out of range")
    return number


def _clean(key, value):
    if isinstance(value, str) and key not in PASSWORD_FIELDS:
        return strip_invisible(value)
    return value


class CleanMultiDict(ImmutableMultiDict):
    """Query strings and form data: values normalised, integers bounded."""

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, (dict, MultiDict)):
            mapping = [(key, _clean(key, value)) for key, value in mapping]
        super().__init__(mapping)

    def get(self, key, default=None, type=None):
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):
        return super().getlist(key, bounded_int if type is int else type)


class WclRequest(Request):
    parameter_storage_class = CleanMultiDict


class BoundedIntegerConverter(IntegerConverter):
    """``<int:id>`` up to PostgreSQL's integer range (larger: no route, 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _refuse_control_characters():
    values = list(request.args.values())
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        values += request.form.values()
    values += [v for v in (request.view_args or {}).values() if isinstance(v, str)]
    if any(has_control(value) for value in values):
        abort(400)


def init_app(app):
    """Install the request class, the bounded ``int`` converter and the check.

    Called before blueprints are registered: routes bind their converters then.
    """
    app.request_class = WclRequest
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_refuse_control_characters)
