"""Password hashing (argon2id) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

# argon2-cffi's defaults are argon2id with parameters above OWASP's minimum.
_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 128

# Patterns seen at the top of every breach list, plus local ones.
COMMON_PASSWORDS = frozenset(
    [
        "123456",
        "123456789",
        "12345678",
        "1234567890",
        "password",
        "password1",
        "password123",
        "qwerty",
        "qwerty123",
        "qwertyuiop",
        "111111",
        "123123",
        "abc123",
        "iloveyou",
        "admin",
        "welcome",
        "monkey",
        "dragon",
        "letmein",
        "football",
        "baseball",
        "sunshine",
        "princess",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "zaq12wsx",
        "passw0rd",
        "p@ssw0rd",
        "qwe123",
        "000000",
        "654321",
        "superman",
        "1qaz2wsx",
        "trustno1",
        "master",
        "hello123",
        "freedom",
        "whatever",
        "shadow",
        "michael",
        "jennifer",
        "computer",
        "internet",
        "starwars",
        "azerty",
        "йцукен",
        "йцукенгшщз",
        "пароль",
        "парольпароль",
        "кыргызстан",
        "kyrgyzstan",
        "bishkek",
        "osh2024",
        "osh2025",
        "osh2026",
        "womenlab",
        "creativelab",
    ]
)


def hash_password(password):
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash, password):
    """True if ``password`` matches; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password, email=""):
    """A translated reason why ``password`` is unacceptable, or ``None``."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!.?")
    if lowered in COMMON_PASSWORDS or stripped in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _l("This password is too common or easy to guess. Try a short phrase.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return _l("Do not use your email address in your password.")
    if _is_sequence(lowered):
        return _l("This password is too common or easy to guess. Try a short phrase.")
    return None


def _is_sequence(text):
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return len(steps) == 1 and steps.pop() in (-1, 0, 1)
