"""The bank / QR transfer provider: a reference with a check character instead of a checkout.

The backer sees the lab's account, the amount, her reference and a QR code
carrying them, and pays from her bank or wallet app. Nothing confirms the
payment online: the pledge becomes paid when a staff-imported bank statement
carries the reference (``wcl.payments.services.statements``). A refund is the
lab sending the money back by hand; it is recorded here.
"""

from flask import url_for

from wcl.payments.providers import Provider, ProviderUnavailable
from wcl.payments.services.bank_transfer import account_for_campaign, assign_reference


class BankTransferProvider(Provider):
    name = "bank_transfer"
    online = True

    def start_checkout(self, pledge):
        """Give the pledge its unique reference; the status page shows how to pay."""
        if account_for_campaign(pledge.campaign_id) is None:
            raise ProviderUnavailable("no bank account is set for this campaign's lab")
        assign_reference(pledge)
        return url_for("payments.pledge_status", token=pledge.token)

    def refund(self, pledge, amount, key):
        """Recorded only; staff send the money back to the payer's account by hand."""
        return None
