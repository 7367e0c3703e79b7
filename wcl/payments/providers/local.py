"""The local provider: a Kyrgyz hosted payment page (invoice → redirect → signed callback).

Local aggregators all work the same way: the merchant creates an invoice
(amount in minor units, currency, the merchant's own order id, success and
fail URLs), sends the payer to the returned hosted page, where she pays from
her bank card or e-wallet app, and the aggregator POSTs a signed callback when
the invoice is paid, failed or cancelled. wcl speaks one plain JSON dialect
of it (``/v1/invoices``), configured by ``LOCAL_PAY_API_BASE``,
``LOCAL_PAY_MERCHANT_ID`` and ``LOCAL_PAY_SECRET``; a real aggregator whose
field names differ is adapted here and nowhere else.

Every request we send carries ``X-Merchant-Id`` and an ``X-Signature`` in the
same scheme as the callbacks (HMAC-SHA256 keyed with ``LOCAL_PAY_SECRET`` over
``"<t>.<raw body>"``, ``wcl.payments.signatures``); create and refund calls
carry a deterministic ``Idempotency-Key``, so a retry never opens two invoices
or refunds twice. The provider never marks a pledge paid: its callback (or the
poll job, when a callback is late) does, through the webhook inbox.

Demo mode (``LOCAL_PAY_DEMO``, never in production, and only while the three
settings are unset): the same adapter talks to an in-process stand-in of the
API (``local_demo``) whose hosted page the app serves itself at
``/payments/local-demo/<token>``, marked as a demo; its buttons send signed
callbacks into the same inbox, so the embedded default shows the whole flow.
"""

import json
import urllib.error
import urllib.request

from flask import current_app

from config import DEV_LOCAL_PAY_SECRET
from wcl.links import absolute_url
from wcl.payments import signatures
from wcl.payments.providers import Provider, ProviderError, ProviderUnavailable, is_production
from wcl.payments.signatures import DEFAULT_TOLERANCE

CURRENCY = "KGS"
TIMEOUT_SECONDS = 10
NAME = "local"
DEMO_MERCHANT = "wcl-demo"


def mode(app=None):
    """``"live"`` when the three ``LOCAL_PAY_*`` settings are set, ``"demo"`` when only the demo may
    run (``LOCAL_PAY_DEMO``, outside production), else ``None`` (not offered)."""
    app = app or current_app
    config = app.config
    if all(config.get(k) for k in ("LOCAL_PAY_API_BASE", "LOCAL_PAY_MERCHANT_ID", "LOCAL_PAY_SECRET")):
        return "live"
    if config.get("LOCAL_PAY_DEMO") and not is_production(app):
        return "demo"
    return None


def configured(app=None):
    """Whether the provider can take pledges here (live, or in demo mode)."""
    return mode(app) is not None


def order_id(pledge):
    """Our invoice id at the provider: deterministic from the pledge (its id and a piece of its
    token, so a re-created database never meets an old install's invoice)."""
    return f"wcl-{pledge.id}-{pledge.token[:8]}"


def pledge_id_of(order):
    """The pledge id inside an ``order_id`` (``None`` when it is not one of ours)."""
    parts = order.split("-", 2) if isinstance(order, str) else []
    if len(parts) != 3 or parts[0] != "wcl" or not parts[1].isdigit():
        return None
    return int(parts[1])


class LocalPayProvider(Provider):
    name = NAME
    online = True

    def available(self):
        return configured()

    def _call(self, method, path, body=None, key=None):
        """One signed JSON request; the answer as a dict. Any failure is a ``ProviderError``."""
        config = current_app.config
        current = mode()
        if current == "demo":
            from wcl.payments.providers import local_demo  # cycle: local_demo imports this module

            return local_demo.answer(method, path, body, key)
        if current is None:
            raise ProviderUnavailable(
                "LOCAL_PAY_API_BASE, LOCAL_PAY_MERCHANT_ID and LOCAL_PAY_SECRET are not set"
            )
        data = json.dumps(body or {}, separators=(",", ":")).encode() if method == "POST" else b""
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Merchant-Id": config["LOCAL_PAY_MERCHANT_ID"],
            # A GET signs its path: the body is empty.
            "X-Signature": signatures.sign(data or path.encode(), config["LOCAL_PAY_SECRET"]),
        }
        if key:
            headers["Idempotency-Key"] = key
        url = config["LOCAL_PAY_API_BASE"].rstrip("/") + path
        if not url.startswith(("https://", "http://")):
            raise ProviderUnavailable("LOCAL_PAY_API_BASE must be an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, data=data if method == "POST" else None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured https URL)
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            kind = "not_found" if exc.code == 404 else f"http_{exc.code}"
            raise ProviderError(f"local provider answered {exc.code} to {method} {path}", kind=kind) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ProviderError(f"local provider unreachable: {exc}", kind="network") from None
        except ValueError:
            raise ProviderError("local provider answered with no JSON", kind="bad_answer") from None
        if not isinstance(answer, dict):
            raise ProviderError("local provider answered with no object", kind="bad_answer")
        return answer

    def invoice_params(self, pledge):
        """What the invoice is created with (a plain dict)."""
        status_url = absolute_url("payments.pledge_status", token=pledge.token)
        campaign = pledge.campaign
        return {
            "merchant_id": current_app.config.get("LOCAL_PAY_MERCHANT_ID") or DEMO_MERCHANT,
            "order_id": order_id(pledge),
            "amount": pledge.amount,
            "currency": pledge.currency,
            "description": (campaign.title if campaign else "WCL")[:200],
            "success_url": status_url,
            "fail_url": status_url,
            "callback_url": absolute_url("payments.local_webhook"),
            "language": (pledge.locale or "ru").split("_")[0],
        }

    def start_checkout(self, pledge):
        """Create the invoice (idempotently: ``invoice-<order id>``); returns its hosted page URL."""
        if pledge.currency != CURRENCY:
            raise ProviderUnavailable(f"the local provider takes {CURRENCY} only")
        invoice = self._call(
            "POST", "/v1/invoices", self.invoice_params(pledge), key=f"invoice-{order_id(pledge)}"
        )
        if not isinstance(invoice.get("id"), str) or not isinstance(invoice.get("payment_url"), str):
            raise ProviderError("invoice answer without id or payment_url", kind="bad_answer")
        pledge.provider_ref = invoice["id"]
        return invoice["payment_url"]

    def retrieve_invoice(self, invoice_id):
        """The invoice as the provider sees it now (a dict with ``status``)."""
        return self._call("GET", f"/v1/invoices/{invoice_id}")

    def refund(self, pledge, amount, key):
        """Refund ``amount`` of the pledge's invoice; returns the provider's refund id."""
        if not pledge.provider_ref:
            raise ProviderUnavailable(f"pledge {pledge.id} has no local invoice")
        answer = self._call(
            "POST",
            f"/v1/invoices/{pledge.provider_ref}/refunds",
            {"amount": amount, "reason": "refund"},
            key=key,
        )
        if answer.get("status") not in ("succeeded", "pending") or not isinstance(answer.get("id"), str):
            raise ProviderError(f"refund refused: {answer.get('status')}", kind="refund_refused")
        return answer["id"]

    def webhook_secret(self):
        current = mode()
        if current == "demo":
            return DEV_LOCAL_PAY_SECRET  # the demo page signs with the published development key
        return current_app.config.get("LOCAL_PAY_SECRET") if current else None

    def verify_webhook(self, payload, header, secret):
        """HMAC-SHA256 over "<t>.<raw body>", constant-time, timestamp within the tolerance both ways."""
        signatures.verify(payload, header, secret, tolerance=DEFAULT_TOLERANCE)
