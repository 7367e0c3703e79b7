"""Sample bank statements written for the tests, in every format wcl reads.

A line is ``(day, amount_minor, currency, purpose, payer, line_id)``; a negative
amount is money going out.
"""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

CSV_HEADER = ("Дата", "Сумма", "Валюта", "Назначение платежа", "Плательщик", "Номер документа")
MAPPING = {
    "date": "Дата",
    "amount": "Сумма",
    "currency": "Валюта",
    "purpose": "Назначение платежа",
    "payer": "Плательщик",
    "line_id": "Номер документа",
    "date_format": "%d.%m.%Y",
}


def _som(amount):
    """1 500,00 — as Kyrgyz banks print it (a space between thousands, a decimal comma)."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole:,}".replace(",", " ") + f",{cents:02d}"


def csv_statement(lines, encoding="utf-8", delimiter=";"):
    rows = [delimiter.join(CSV_HEADER)]
    for day, amount, currency, purpose, payer, line_id in lines:
        cells = [day.strftime("%d.%m.%Y"), _som(amount), currency, purpose, payer, line_id]
        rows.append(delimiter.join(f'"{c}"' if delimiter in c else c for c in cells))
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


def xlsx_statement(lines):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(CSV_HEADER))
    for day, amount, currency, purpose, payer, line_id in lines:
        sheet.append([day, float(Decimal(amount) / 100), currency, purpose, payer, line_id])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def mt940_statement(lines, account="KG1180000012345678", closing=True):
    out = [":20:WCLTEST", f":25:{account}", ":28C:00001/001", ":60F:C261201KGS0,00"]
    for day, amount, currency, purpose, _payer, line_id in lines:
        mark = "D" if amount < 0 else "C"
        value = f"{abs(amount) // 100},{abs(amount) % 100:02d}"
        out.append(f":61:{day:%y%m%d}{day:%m%d}{mark}{currency[2]}{value}NTRFNONREF//{line_id}")
        out.append(f":86:{purpose}")
    if closing:
        out.append(":62F:C261231KGS0,00")
    out.append("-")
    return "\r\n".join(out).encode()


def camt053_statement(lines, doctype=""):
    entries = []
    for day, amount, currency, purpose, payer, line_id in lines:
        indicator = "DBIT" if amount < 0 else "CRDT"
        value = f"{abs(amount) // 100}.{abs(amount) % 100:02d}"
        entries.append(
            f"""<Ntry><NtryRef>{line_id}</NtryRef><Amt Ccy="{currency}">{value}</Amt>
<CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>
<AcctSvcrRef>{line_id}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{escape(payer)}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{escape(purpose)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    return (
        f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>WCL1</MsgId><CreDtTm>2026-12-04T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><Othr><Id>1180000012345678</Id></Othr></Id></Acct>
{"".join(entries)}
</Stmt></BkToCstmrStmt></Document>"""
    ).encode()


WRITERS = {
    "csv": csv_statement,
    "xlsx": xlsx_statement,
    "mt940": mt940_statement,
    "camt053": camt053_statement,
}
