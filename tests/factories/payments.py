"""Factories for bank accounts (bank / QR transfers)."""

import factory

from tests.factories.accounts import BaseFactory
from wcl.payments.models import BankAccount


class BankAccountFactory(BaseFactory):
    class Meta:
        model = BankAccount

    lab = None
    recipient_name = "Women's Creative Lab PF"
    bank_name = "Demir Bank"
    account_number = factory.Sequence(lambda n: f"118000{n:010d}")
    bic = "DEMIKG22"
    currency = "KGS"
    qr_format = "plain"
    csv_mapping = factory.LazyFunction(dict)
