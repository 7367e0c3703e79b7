"""A local fake of the parts of Stripe's HTTP API that wcl calls.

The real ``stripe.StripeClient`` is pointed at it with
``base_addresses={"api": fake.url}``; nothing reaches the internet. It keeps
objects in memory, honours ``Idempotency-Key`` (same key → same response),
records every request, and can be told to fail the next N requests (to test
network retries).

``FakeStripe(defer_payment_intent=True)`` behaves like recent API versions:
a Checkout Session has no payment intent until the backer pays
(``complete_session`` creates it, with the session's
``payment_intent_data.metadata``, and its charge). ``dashboard_refund`` makes
a refund as staff would in the Stripe Dashboard: no metadata.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


def _unflatten(pairs):
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts/lists."""
    root = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part, nxt in zip(parts, parts[1:] + [None], strict=True):
            if nxt is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class FakeStripe:
    """Start with ``with FakeStripe() as fake:``; ``fake.url`` is the API base."""

    def __init__(self, defer_payment_intent=False):
        self.defer_payment_intent = defer_payment_intent
        self.sessions, self.payment_intents, self.refunds, self.charges = {}, {}, {}, {}
        self.requests, self._idempotent, self._intent_metadata = [], {}, {}
        self.fail_next_count, self.fail_status = 0, 500
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, count, status=500):
        """Answer the next ``count`` requests with HTTP ``status``."""
        self.fail_next_count, self.fail_status = count, status

    def complete_session(self, session_id):
        """Mark a session paid, as if the backer finished checkout (its payment intent and charge now exist)."""
        session = self.sessions[session_id]
        if session["payment_intent"] is None:
            session["payment_intent"] = self._new_intent(
                session["amount_total"], session["currency"], self._intent_metadata[session_id]
            )
        session.update(status="complete", payment_status="paid")
        intent = self.payment_intents[session["payment_intent"]]
        intent["status"] = "succeeded"
        charge_id = "ch_" + intent["id"][3:]
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "metadata": dict(intent["metadata"]),
            "paid": True,
        }
        intent["latest_charge"] = charge_id
        return session

    def dashboard_refund(self, intent_id, amount=None):
        """A refund made in the Stripe Dashboard: no metadata. Returns the refund (a dict)."""
        params = {"payment_intent": intent_id}
        if amount is not None:
            params["amount"] = str(amount)
        status, refund = self._create_refund(params)
        assert status == 200, refund
        return refund

    # -- API --------------------------------------------------------------

    def _new_intent(self, amount, currency, metadata):
        intent_id = f"pi_{uuid.uuid4().hex[:24]}"
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "status": "requires_payment_method",
            "latest_charge": None,
            "metadata": dict(metadata),
        }
        return intent_id

    def _create_session(self, params):
        session_id = f"cs_test_{uuid.uuid4().hex[:24]}"
        items = params.get("line_items", [])
        amount = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
        currency = items[0]["price_data"]["currency"] if items else "kgs"
        intent_metadata = (params.get("payment_intent_data") or {}).get("metadata") or params.get(
            "metadata", {}
        )
        intent_id = None if self.defer_payment_intent else self._new_intent(amount, currency, intent_metadata)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": intent_id,
            "locale": params.get("locale"),
            "submit_type": params.get("submit_type"),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "expires_at": int(time.time()) + 86400,
            "customer_email": params.get("customer_email"),
        }
        self.sessions[session_id] = session
        self._intent_metadata[session_id] = intent_metadata
        return 200, session

    def _create_refund(self, params):
        intent = self.payment_intents.get(params.get("payment_intent"))
        if intent is None:
            return 400, {"error": {"type": "invalid_request_error", "message": "No such payment_intent"}}
        refund_id = f"re_{uuid.uuid4().hex[:24]}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": int(params.get("amount", intent["amount"])),
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent.get("latest_charge"),
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
        }
        self.refunds[refund_id] = refund
        return 200, refund

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "checkout", "sessions"]:
            return self._create_session(params)
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            session = self.sessions.get(parts[3])
            return (200, session) if session else (404, {"error": {"type": "invalid_request_error"}})
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            intent = self.payment_intents.get(parts[2])
            return (200, intent) if intent else (404, {"error": {"type": "invalid_request_error"}})
        if method == "GET" and parts[:2] == ["v1", "charges"] and len(parts) == 3:
            charge = self.charges.get(parts[2])
            return (200, charge) if charge else (404, {"error": {"type": "invalid_request_error"}})
        if method == "POST" and parts == ["v1", "refunds"]:
            return self._create_refund(params)
        if method == "GET" and parts == ["v1", "refunds"]:
            intent = params.get("payment_intent")
            data = [r for r in self.refunds.values() if not intent or r["payment_intent"] == intent]
            return 200, {"object": "list", "url": "/v1/refunds", "has_more": False, "data": data}
        return 404, {"error": {"type": "invalid_request_error", "message": f"no route {method} {path}"}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, method):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = _unflatten(parse_qsl(body or url.query, keep_blank_values=True))
                key = self.headers.get("Idempotency-Key")
                with fake._lock:
                    fake.requests.append(
                        {
                            "method": method,
                            "path": url.path,
                            "params": params,
                            "idempotency_key": key,
                            "headers": dict(self.headers),
                        }
                    )
                    if fake.fail_next_count > 0:
                        fake.fail_next_count -= 1
                        status, payload = (
                            fake.fail_status,
                            {"error": {"type": "api_error", "message": "fake"}},
                        )
                    elif key and (method, url.path, key) in fake._idempotent:
                        status, payload = fake._idempotent[(method, url.path, key)]
                    else:
                        status, payload = fake._route(method, url.path, params)
                        if key and method == "POST":
                            fake._idempotent[(method, url.path, key)] = (status, payload)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

        return Handler
