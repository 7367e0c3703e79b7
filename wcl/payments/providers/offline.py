"""The offline provider: cash, bank or QR transfers recorded by a coordinator.

There is no checkout: the money has already arrived when a coordinator records
it (with the proof). A refund means the lab hands the money back; it is
recorded here, with who asked for it, so the books stay right.
"""

from wcl.payments.providers import Provider, ProviderUnavailable


class OfflineProvider(Provider):
    name = "offline"
    online = False

    def start_checkout(self, pledge):
        raise ProviderUnavailable("offline payments are recorded by staff, not checked out")

    def refund(self, pledge, amount, key):
        """Recorded only; the coordinator returns the money by hand."""
        return None
