"""Payment providers: one interface, chosen by name.

A provider turns a pending pledge into a place to pay (``start_checkout``)
and gives money back (``refund``). It never marks a pledge paid itself: only
a confirmation (a signed webhook event, or a coordinator recording cash)
does, through ``wcl.payments.services``. Provider failures reach the services as
``ProviderUnavailable`` or ``ProviderError``, never as a provider library's own errors.

Extension point for Stripe (issue 6): add ``wcl/payments/providers/stripe.py``
with ``class StripeProvider(Provider)`` (name ``"stripe"``). The registry
below already selects it whenever ``STRIPE_SECRET_KEY`` is set; nothing else
needs to change — its webhooks arrive at the same ``POST /webhooks/stripe``.
"""

from abc import ABC, abstractmethod

from flask import current_app
from werkzeug.utils import import_string

from wcl.payments.signatures import SignatureError

PROVIDERS = {
    "sandbox": "wcl.payments.providers.sandbox.SandboxProvider",
    "offline": "wcl.payments.providers.offline.OfflineProvider",
    "stripe": "wcl.payments.providers.stripe.StripeProvider",
    "bank_transfer": "wcl.payments.providers.bank_transfer.BankTransferProvider",
    "local": "wcl.payments.providers.local.LocalPayProvider",
}


class ProviderUnavailable(RuntimeError):
    """The provider cannot take payments here (not configured, or not allowed)."""


class ProviderError(RuntimeError):
    """A call to the provider failed (network, refused, unknown object); ``kind`` names the failure
    in the provider's own terms, for logs and reports. Services never see the provider's library."""

    def __init__(self, message, kind=None):
        super().__init__(message)
        self.kind = kind or type(self).__name__


class Provider(ABC):
    """The interface every provider implements."""

    name = "base"
    # Backers can pay through it online (a checkout page to redirect to).
    online = True
    # Takes no money (the sandbox): must not exist in production.
    development_only = False

    @abstractmethod
    def start_checkout(self, pledge):
        """Open a checkout for a pending pledge (may set ``pledge.provider_ref``);
        returns the URL to send the backer to. Called inside the pledge's unit
        of work, before its commit."""

    @abstractmethod
    def refund(self, pledge, amount, key):
        """Give back ``amount`` (minor units) of a paid pledge; ``key`` is a
        deterministic idempotency key (the same key must never refund twice).
        Returns the provider's refund reference (or ``None``)."""

    def livemode(self):
        """Whether this install takes real money through the provider (its events must say
        ``livemode: true``); test-mode events are refused then, and live ones otherwise."""
        return False

    def webhook_secret(self):
        """The key its webhooks are signed with (Stripe's, which the sandbox shares)."""
        return current_app.config.get("STRIPE_WEBHOOK_SECRET")

    def verify_webhook(self, payload, header, secret):
        """Check a webhook's signature ``header`` on the raw ``payload``; raises
        ``wcl.payments.signatures.SignatureError`` when it does not hold. A provider
        that sends no webhooks accepts none."""
        raise SignatureError(f"payment provider {self.name!r} sends no webhooks")


def is_production(app=None):
    """True on a production install, where no development-only provider exists."""
    return (app or current_app).config.get("ENV_NAME") == "production"


def allowed(name, app=None):
    """Whether the provider called ``name`` may exist on this install at all."""
    path = PROVIDERS.get(name)
    if path is None:
        return False
    return not (import_string(path).development_only and is_production(app))


def get_provider(name):
    """The provider called ``name``; raises ``ProviderUnavailable`` if unknown, missing,
    or development-only on a production install (the sandbox would let anyone "pay")."""
    path = PROVIDERS.get(name)
    if path is None:
        raise ProviderUnavailable(f"unknown payment provider {name!r}")
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ProviderUnavailable(f"payment provider {name!r} is not installed ({path})") from exc
    if cls.development_only and is_production():
        raise ProviderUnavailable(f"payment provider {name!r} does not exist in production")
    return cls()


def checkout_provider_name(app=None):
    """Stripe when ``STRIPE_SECRET_KEY`` is set, else the sandbox."""
    app = app or current_app
    return "stripe" if app.config.get("STRIPE_SECRET_KEY") else "sandbox"


def checkout_provider():
    """The provider online pledges go to."""
    provider = get_provider(checkout_provider_name())
    if not getattr(provider, "available", lambda: True)():
        raise ProviderUnavailable(f"payment provider {provider.name!r} is not available here")
    return provider
