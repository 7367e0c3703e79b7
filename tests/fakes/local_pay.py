"""A local fake of a Kyrgyz hosted-page payment provider (the dialect of wcl/payments/providers/local.py).

``with FakeLocalPay(secret) as fake:`` starts it on a free port; ``fake.url``
is ``LOCAL_PAY_API_BASE``. It checks each request's merchant id and
signature, honours ``Idempotency-Key`` (same key → same answer), keeps
invoices and refunds in memory, and serves a hosted page (``GET /pay/<id>``)
whose form (``POST /pay/<id>`` with ``outcome=pay|fail|cancel``) settles the
invoice and sends the signed callback: POSTed to the invoice's
``callback_url`` when ``deliver=True`` (a live server: demo, browser), and
always kept in ``fake.callbacks`` as ``(raw body, headers)`` for a test
client to post. ``callback_for`` builds a callback by hand (forged, replayed,
altered amount).
"""

import json
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from wcl.payments import signatures

MERCHANT = "wcl-test-merchant"
OUTCOMES = {"pay": "paid", "fail": "failed", "cancel": "cancelled"}


class FakeLocalPay:
    def __init__(self, secret, merchant_id=MERCHANT, deliver=False):
        self.secret, self.merchant_id, self.deliver = secret, merchant_id, deliver
        self.invoices, self.refunds, self.requests, self.callbacks = {}, {}, [], []
        self._idempotent = {}
        self.fail_next_count = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # -- what tests drive ---------------------------------------------------------

    def only_invoice(self):
        (invoice,) = self.invoices.values()
        return invoice

    def settle(self, invoice_id, status, send=True):
        """Set the invoice's status (as the payer would on the hosted page); returns the callback."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            invoice["status"] = status
        callback = self.callback_for(invoice)
        if send:
            self.callbacks.append(callback)
            if self.deliver and invoice.get("callback_url"):
                body, headers = callback
                request = urllib.request.Request(
                    invoice["callback_url"], data=body, headers=headers, method="POST"
                )
                urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (test server)
        return callback

    def callback_for(self, invoice, status=None, timestamp=None, secret=None, event_id=None, **changes):
        """``(raw body, headers)`` of a signed callback for ``invoice`` (fields altered by ``changes``)."""
        status = status or invoice["status"]
        obj = {k: invoice[k] for k in ("id", "order_id", "amount", "currency")} | {"status": status}
        obj.update(changes)
        event = {
            "id": event_id or f"evt_{invoice['id']}_{status}",
            "type": f"invoice.{status}",
            "created": int(time.time()),
            "data": {"object": obj},
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        header = signatures.sign(body, secret or self.secret, timestamp)
        return body, {"Content-Type": "application/json", "X-Signature": header}

    # -- the API ------------------------------------------------------------------

    def _create_invoice(self, params):
        if params.get("merchant_id") != self.merchant_id:
            return 400, {"error": "merchant"}
        if (
            not isinstance(params.get("amount"), int)
            or params["amount"] <= 0
            or params.get("currency") != "KGS"
        ):
            return 400, {"error": "amount"}
        invoice_id = f"inv_{uuid.uuid4().hex[:20]}"
        invoice = dict(params, id=invoice_id, status="pending", payment_url=f"{self.url}/pay/{invoice_id}")
        self.invoices[invoice_id] = invoice
        return 200, invoice

    def _refund(self, invoice_id, params):
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            return 404, {"error": "not found"}
        refunded = sum(r["amount"] for r in self.refunds.values() if r["invoice_id"] == invoice_id)
        amount = params.get("amount")
        if (
            invoice["status"] != "paid"
            or not isinstance(amount, int)
            or amount + refunded > invoice["amount"]
        ):
            return 400, {"error": "refund"}
        refund = {
            "id": f"rf_{uuid.uuid4().hex[:20]}",
            "invoice_id": invoice_id,
            "amount": amount,
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload, content_type="application/json"):
                body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authentic(self, signed):
                if self.headers.get("X-Merchant-Id") != fake.merchant_id:
                    return False
                try:
                    signatures.verify(signed, self.headers.get("X-Signature"), fake.secret)
                except signatures.SignatureError:
                    return False
                return True

            def do_GET(self):
                parts = self.path.strip("/").split("/")
                if parts[:1] == ["pay"] and len(parts) == 2 and parts[1] in fake.invoices:
                    invoice = fake.invoices[parts[1]]
                    buttons = "".join(f'<button name="outcome" value="{o}">{o}</button>' for o in OUTCOMES)
                    page = (
                        f"<!doctype html><title>Pay</title><p id=amount>{invoice['amount']} {invoice['currency']}</p>"
                        f'<form method="post">{buttons}</form>'
                    )
                    return self._send(200, page.encode(), "text/html; charset=utf-8")
                fake.requests.append(("GET", self.path, None))
                if not self._authentic(self.path.encode()):
                    return self._send(401, {"error": "signature"})
                if parts[:2] == ["v1", "invoices"] and len(parts) == 3 and parts[2] in fake.invoices:
                    invoice = fake.invoices[parts[2]]
                    return self._send(200, {k: v for k, v in invoice.items() if k != "callback_url"})
                return self._send(404, {"error": "not found"})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path.strip("/").split("/")
                if parts[:1] == ["pay"] and len(parts) == 2 and parts[1] in fake.invoices:
                    outcome = dict(parse_qsl(raw.decode())).get("outcome")
                    if outcome not in OUTCOMES or fake.invoices[parts[1]]["status"] != "pending":
                        return self._send(400, b"no", "text/plain")
                    invoice = fake.invoices[parts[1]]
                    fake.settle(parts[1], OUTCOMES[outcome])
                    target = invoice["success_url"] if outcome == "pay" else invoice["fail_url"]
                    self.send_response(303)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                params = json.loads(raw or b"{}")
                fake.requests.append(("POST", self.path, params))
                if fake.fail_next_count:
                    fake.fail_next_count -= 1
                    return self._send(503, {"error": "unavailable"})
                if not self._authentic(raw):
                    return self._send(401, {"error": "signature"})
                key = self.headers.get("Idempotency-Key")
                with fake._lock:
                    if key and key in fake._idempotent:
                        return self._send(*fake._idempotent[key])
                    if parts == ["v1", "invoices"]:
                        answer = fake._create_invoice(params)
                    elif parts[:2] == ["v1", "invoices"] and len(parts) == 4 and parts[3] == "refunds":
                        answer = fake._refund(parts[2], params)
                    else:
                        answer = (404, {"error": "not found"})
                    if key and answer[0] == 200:
                        fake._idempotent[key] = answer
                return self._send(*answer)

        return Handler
