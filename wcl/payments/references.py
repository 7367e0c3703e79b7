"""Bank-transfer references: short, human-typable, with a check character.

A reference looks like ``WCL-7K3F-9``: four characters drawn from an alphabet
without the look-alikes 0/O and 1/I, then one check character. The check is
the ISO 7064 hybrid system (the construction behind MOD 11,10, 27,26 and
37,36) over this 32-character alphabet, i.e. MOD 33,32: every single wrong
character and most swaps of neighbours give a wrong check, so a reference a
backer mistyped in her bank app is recognised as mistyped, not matched to
someone else's pledge.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 characters: no 0, O, 1, I
PREFIX = "WCL"
BODY_LENGTH = 4
_N = len(ALPHABET)

# What a reference looks like inside a bank's free-text "purpose" field: any
# case, with spaces, dashes or nothing between the parts, and with the
# excluded look-alikes allowed through so that a typo is reported, not missed.
_FOUND = re.compile(r"W\s*C\s*L[\s\-_.:#№]*([A-Z0-9]{4})[\s\-_.]*([A-Z0-9])(?![A-Z0-9])")


def check_character(body):
    """The ISO 7064 hybrid (MOD 33,32) check character of ``body`` (characters of ``ALPHABET``)."""
    product = _N
    for char in body:
        total = (product + ALPHABET.index(char)) % _N
        product = (2 * (total or _N)) % (_N + 1)
    return ALPHABET[(_N + 1 - product) % _N]


def is_valid_body(body, check):
    """Whether ``body`` + ``check`` form a valid reference (alphabet and check character)."""
    if len(body) != BODY_LENGTH or any(c not in ALPHABET for c in body) or check not in ALPHABET:
        return False
    return check_character(body) == check


def new_reference():
    """A fresh random reference, ``WCL-XXXX-C`` (uniqueness is the database's job)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{PREFIX}-{body}-{check_character(body)}"


def find_reference(text):
    """The reference written in a payment's free text: ``(reference, valid)`` or ``(None, False)``.

    ``reference`` is normalised (``WCL-7K3F-9``); ``valid`` is False when the
    characters or the check character are wrong (a typo to show to staff).
    """
    upper = (text or "").upper()
    fallback = None
    for match in _FOUND.finditer(upper):
        body, check = match.group(1), match.group(2)
        reference = f"{PREFIX}-{body}-{check}"
        if is_valid_body(body, check):
            return reference, True
        fallback = fallback or reference
    return fallback, False
