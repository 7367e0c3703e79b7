"""The sandbox provider: a local checkout page instead of a card form.

It lets the whole flow run on a fresh machine: the page's buttons emit events
shaped like Stripe's, signed with ``STRIPE_WEBHOOK_SECRET`` in Stripe's scheme,
into the same webhook pipeline real Stripe events use. It refuses to run in
production, where it would let anyone "pay" without money.
"""

import hashlib
import secrets

from flask import url_for

from wcl.payments.providers import Provider, is_production


class SandboxProvider(Provider):
    name = "sandbox"
    online = True
    development_only = True

    def available(self):
        return not is_production()

    def start_checkout(self, pledge):
        """A checkout session id like Stripe's, and the local checkout page."""
        pledge.provider_ref = f"cs_sb_{secrets.token_hex(12)}"
        return url_for("payments.sandbox_checkout", token=pledge.token)

    def refund(self, pledge, amount, key):
        """Nothing to call: the refund is recorded; the reference follows from the key."""
        return "re_sb_" + hashlib.sha256(key.encode()).hexdigest()[:20]
