"""QR payloads for bank transfers: what a backer's bank app reads from the code.

The format is a setting per bank account, because the details of the national
QR standard vary by acquirer. ``plain`` (the default) is a readable transfer
order any app can show as text; ``st00012`` is the ``ST00012|Name=…|…`` transfer
format many banks of the region read; ``epc`` is the European EPC069-12 code
for IBAN accounts in euros; ``kg_emvco`` is the Kyrgyz national QR standard
(National Bank Resolution 2019-P-14/62-5-(PS), ELQR), which is EMVCo
merchant-presented QR: ``ID(2) LEN(2) VALUE`` fields ending in a CRC.

What EMVCo fixes is the same for every acquirer (00 payload format, 01 point of
initiation, 53 currency, 54 amount, 58 country, 59 name, 60 city, 62 additional
data, 63 CRC). What varies by acquirer is the merchant account template: which
ID (26–51) carries it, its globally unique identifier (sub-field 00) and which
sub-fields hold the account and the bank. Those are a *profile* here
(``KG_EMVCO``); a bank whose app reads other tags gets a profile of its own and
a format name next to ``kg_emvco``, which staff choose per bank account.
"""

from decimal import Decimal

import segno

from wcl.money import exponent
from wcl.text import CYRILLIC_TO_LATIN

QR_FORMATS = ("plain", "st00012", "epc", "kg_emvco")


class QRPayloadError(ValueError):
    """A payload the format cannot carry, or (decoding) one that is malformed or tampered with."""


# The acquirer-specific part of the national format (see the module's notes): the
# template ID, its globally unique identifier, and the sub-fields of account and bank.
KG_EMVCO = {"template": "32", "gui": "kg.elqr.p2b", "account": "01", "bank": "02", "reference": "05"}
# ISO 4217 numeric codes of the currencies a bank account may hold.
NUMERIC_CURRENCY = {"KGS": "417", "USD": "840", "EUR": "978", "RUB": "643", "KZT": "398"}


def crc16_ccitt_false(data):
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR) of ``data`` bytes."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _latin(text, limit):
    """EMVCo asks for the merchant name and city in Latin characters; the original goes in template 64."""
    out = []
    for char in text:
        low = char.lower()
        if low in CYRILLIC_TO_LATIN:
            mapped = CYRILLIC_TO_LATIN[low]
            out.append(mapped.capitalize() if char != low else mapped)
        elif char.isascii() and (char.isalnum() or char in " .-&"):
            out.append(char)
    return " ".join("".join(out).split())[:limit].strip()


def _tlv(tag, value):
    value = str(value)
    if not value:
        return ""
    if len(value) > 99:
        raise QRPayloadError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def emv_encode(
    *,
    account_number,
    bank_id,
    merchant_name,
    city,
    currency,
    amount=None,
    reference=None,
    profile=None,
    language=None,
    alternate_name=None,
):
    """An EMVCo merchant-presented payload: dynamic (``01``=``12``) with ``amount`` in minor units,
    static (``11``) without. Lengths count characters; the CRC is over the UTF-8 bytes up to and
    including ``6304``, as in the EMVCo specification's own example."""
    profile = profile or KG_EMVCO
    numeric = NUMERIC_CURRENCY.get(currency)
    if numeric is None:
        raise QRPayloadError(f"no ISO 4217 numeric code known for {currency!r}")
    account = _tlv("00", profile["gui"]) + _tlv(profile["account"], account_number.replace(" ", ""))
    account += _tlv(profile["bank"], bank_id)
    parts = [
        _tlv("00", "01"),
        _tlv("01", "11" if amount is None else "12"),
        _tlv(profile["template"], account),
        _tlv("53", numeric),
        _tlv("54", _major(amount, currency)) if amount is not None else "",
        _tlv("58", "KG"),
        _tlv("59", _latin(merchant_name, 25) or "WCL"),
        _tlv("60", _latin(city, 15) or "Bishkek"),
        _tlv("62", _tlv(profile["reference"], reference or "")) if reference else "",
    ]
    if alternate_name and not alternate_name.isascii():
        parts.append(_tlv("64", _tlv("00", (language or "RU").upper()) + _tlv("01", alternate_name[:25])))
    payload = "".join(parts) + "6304"
    return payload + f"{crc16_ccitt_false(payload.encode('utf-8')):04X}"


def tlv_fields(text):
    """``{ID: value}`` of a run of ``ID(2) LEN(2) VALUE`` fields; ``QRPayloadError`` if malformed."""
    fields, at = {}, 0
    while at < len(text):
        tag, size = text[at : at + 2], text[at + 2 : at + 4]
        if len(size) < 2 or not (tag.isdigit() and size.isdigit()):
            raise QRPayloadError(f"malformed field at {at}")
        end = at + 4 + int(size)
        if end > len(text):
            raise QRPayloadError(f"field {tag} runs past the end")
        fields[tag] = text[at + 4 : end]
        at = end
    return fields


def emv_decode(payload):
    """The top-level fields of an EMVCo payload after checking its CRC (tests and support tools);
    raises ``QRPayloadError`` for a malformed payload or a CRC that does not match."""
    if len(payload) < 12 or payload[-8:-4] != "6304":
        raise QRPayloadError("the payload does not end with a CRC field")
    try:
        expected = int(payload[-4:], 16)
    except ValueError:
        raise QRPayloadError("the CRC is not hexadecimal") from None
    if crc16_ccitt_false(payload[:-4].encode("utf-8")) != expected:
        raise QRPayloadError("the CRC does not match the payload")
    fields = tlv_fields(payload)
    if fields.get("00") != "01":
        raise QRPayloadError("not an EMVCo payload (payload format indicator)")
    return fields


def _major(amount, currency):
    return str(Decimal(amount).scaleb(-exponent(currency)))


def transfer_payload(account, amount, currency, reference, fmt=None):
    """The text the QR code carries: recipient, account, amount and the reference as the purpose."""
    fmt = fmt or account.qr_format or "plain"
    if fmt == "kg_emvco":
        lab = account.lab
        return emv_encode(
            account_number=account.account_number,
            bank_id=account.bic or account.bank_name,
            merchant_name=account.recipient_name,
            city=lab.name_en if lab is not None else "Bishkek",
            currency=currency,
            amount=amount,
            reference=reference,
            alternate_name=account.recipient_name,
        )
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
