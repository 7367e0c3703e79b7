"""QR payloads for bank transfers: what a backer's bank app reads from the code.

The format is a setting per bank account, because the details of the national
QR standard vary by acquirer. ``plain`` (the default) is a readable transfer
order any app can show as text; ``st00012`` is the ``ST00012|Name=…|…`` transfer
format many banks of the region read; ``epc`` is the European EPC069-12 code
for IBAN accounts in euros.
"""

from decimal import Decimal

import segno

from wcl.money import exponent

QR_FORMATS = ("plain", "st00012", "epc")


def _major(amount, currency):
    return str(Decimal(amount).scaleb(-exponent(currency)))


def transfer_payload(account, amount, currency, reference, fmt=None):
    """The text the QR code carries: recipient, account, amount and the reference as the purpose."""
    fmt = fmt or account.qr_format or "plain"
    if fmt == "st00012":
        fields = {
            "Name": account.recipient_name,
            "PersonalAcc": account.account_number,
            "BankName": account.bank_name,
            "BIC": account.bic,
            "Sum": str(amount),  # minor units, as the format asks
            "Purpose": reference,
        }
        return "ST00012|" + "|".join(f"{k}={v.replace('|', ' ')}" for k, v in fields.items() if v)
    if fmt == "epc":
        return "\n".join(
            [
                "BCD",
                "002",
                "1",
                "SCT",
                account.bic,
                account.recipient_name[:70],
                account.account_number.replace(" ", ""),
                f"{currency}{_major(amount, currency)}",
                "",
                "",
                reference,
            ]
        )
    return "\n".join(
        [
            f"TO: {account.recipient_name}",
            f"BANK: {account.bank_name}",
            f"ACCOUNT: {account.account_number}",
            *([f"BIC: {account.bic}"] if account.bic else []),
            f"AMOUNT: {_major(amount, currency)} {currency}",
            f"PURPOSE: {reference}",
        ]
    )


def qr_data_uri(payload):
    """The QR code of ``payload`` as an SVG ``data:`` URI for an ``<img>``."""
    return segno.make(payload, error="m").svg_data_uri(scale=5, border=2)
