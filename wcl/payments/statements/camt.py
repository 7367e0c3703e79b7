"""ISO 20022 camt.053 (bank-to-customer statement) XML, read with the standard library.

A statement has no use for a DTD: any ``<!DOCTYPE`` or ``<!ENTITY`` is
refused before parsing, so entity expansion ("billion laughs") and external
entities never reach the parser. Namespaces differ by version
(camt.053.001.02 … .08); elements are matched by local name.
"""

import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from flask_babel import lazy_gettext as _l

from wcl.payments.statements import StatementEntry, StatementError
from wcl.payments.statements.amounts import checked_currency, parse_day, signed_amount

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _child(node, *path):
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(node, *path):
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _all(node, name):
    return [c for c in node.iter() if _local(c.tag) == name]


def _payer(entry):
    for path in (
        ("RltdPties", "Dbtr", "Nm"),
        ("RltdPties", "Dbtr", "Pty", "Nm"),
        ("RltdPties", "UltmtDbtr", "Nm"),
    ):
        for details in _all(entry, "TxDtls") or [entry]:
            name = _text(details, *path)
            if name:
                return name
    return ""


def _purpose(entry):
    parts = [u.text.strip() for u in _all(entry, "Ustrd") if u.text]
    parts += [r.text.strip() for r in _all(entry, "Ref") if r.text]
    parts.append(_text(entry, "AddtlNtryInf"))
    return " ".join(" ".join(p for p in parts if p).split())[:400]


def _refuse(*_args):
    raise ET.ParseError("DTDs and entities are refused")


def _safe_parse(data):
    """Build the tree with expat directly, its DTD and entity handlers refusing (as defusedxml does)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        return builder.close()
    except (expat.ExpatError, AssertionError, IndexError) as exc:
        raise ET.ParseError(str(exc)) from None


def parse_camt053(data, account):
    """Entries of a camt.053 statement (every ``Ntry`` of every ``Stmt``)."""
    if _FORBIDDEN.search(data):
        raise StatementError(
            _l("The XML file declares a DTD or entities, which statements never need. It is refused.")
        )
    try:
        root = _safe_parse(data)
    except ET.ParseError:
        raise StatementError(_l("The XML file cannot be read: it may be cut short.")) from None
    statements = _all(root, "Stmt")
    if _local(root.tag) != "Document" or not statements:
        raise StatementError(_l("The XML file is not a camt.053 bank statement."))
    entries = []
    position = 0
    for statement in statements:
        for entry in (c for c in statement if _local(c.tag) == "Ntry"):
            position += 1
            amount_node = _child(entry, "Amt")
            if amount_node is None:
                raise StatementError(_l("Line %(line)d: the amount is missing.", line=position))
            currency = checked_currency(amount_node.get("Ccy"), account.currency, position)
            amount = signed_amount(amount_node.text, currency, position)
            if _text(entry, "CdtDbtInd") == "DBIT":
                amount = -abs(amount)
            if amount == 0:
                continue
            day = (
                _text(entry, "BookgDt", "Dt")
                or _text(entry, "BookgDt", "DtTm")
                or _text(entry, "ValDt", "Dt")
            )
            entries.append(
                StatementEntry(
                    position=position,
                    booked_on=parse_day(day[:10], "%Y-%m-%d", position),
                    amount=amount,
                    currency=currency,
                    payer=_payer(entry)[:200],
                    purpose=_purpose(entry),
                    line_id=(_text(entry, "AcctSvcrRef") or _text(entry, "NtryRef"))[:80],
                )
            )
    return entries
