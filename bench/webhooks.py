"""Webhook pipeline benchmark: signed Stripe events over HTTP → inbox → RQ → ledger.

    .venv/bin/python -m bench.webhooks                     # 10,000 events, 2,000 pledges
    .venv/bin/python -m bench.webhooks --events 2500 --pledges 500

Seeds pending Stripe pledges on a fresh database, starts gunicorn (2 workers)
and 2 RQ workers on the "webhooks" queue, then posts every event (20 %
duplicates, shuffled: refunds may come before payments) concurrently. Prints
events/s accepted, events/s processed and the same server's /healthz
requests/s measured with the same client in the same run (the baseline; once
before the events, with the workers idle, and once right after them, while the
workers still work through the backlog as they did during the posts), then
verifies the ledger: every pledge's state and refunded amount, and every
campaign's total, equal what the events imply — nothing lost, nothing doubled.
"""

import argparse
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from bench.harness import (
    bench_env,
    free_port,
    fresh_database,
    gunicorn_command,
    machine,
    processes,
    wait_healthy,
    worker_command,
)

SECRET = "whsec_bench_secret_0123456789"
# Its own Redis number and log folder: other benchmarks may run on this machine
# at the same time (sharing Redis would let their workers take these jobs).
REDIS_URL = os.environ.get("WCL_BENCH_WEBHOOKS_REDIS_URL", "redis://127.0.0.1:6379/2")
LOG_DIR = "/tmp/wcl-bench-webhooks-logs"
CONCURRENCY = 16
CAMPAIGNS = 20


def _event(event_id, event_type, obj):
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}}


def plan(pledges, total_events, seed=6):
    """Events for ``pledges`` [(id, amount, campaign_id)] and the ledger they imply.

    Returns ``(events, expected)`` where ``expected[pledge_id] = (status, refunded)``.
    """
    rng = random.Random(seed)
    unique, expected, noise = [], {}, []
    for pid, amount, _cid in pledges:
        session = {
            "id": f"cs_bench_{pid}",
            "object": "checkout.session",
            "client_reference_id": str(pid),
            "metadata": {"pledge_id": str(pid)},
            "amount_total": amount,
            "currency": "kgs",
            "payment_status": "paid",
            "status": "complete",
            "payment_intent": f"pi_bench_{pid}",
        }
        unpaid = dict(session, payment_status="unpaid")

        def refund(n, value, pid=pid):
            return {
                "id": f"re_bench_{pid}_{n}",
                "object": "refund",
                "amount": value,
                "currency": "kgs",
                "status": "succeeded",
                "payment_intent": f"pi_bench_{pid}",
                "metadata": {"pledge_id": str(pid)},
            }

        def charge(refunds, pid=pid, amount=amount):
            return {
                "id": f"ch_bench_{pid}",
                "object": "charge",
                "amount": amount,
                "amount_refunded": sum(r["amount"] for r in refunds),
                "payment_intent": f"pi_bench_{pid}",
                "metadata": {"pledge_id": str(pid)},
                "refunds": {"object": "list", "data": refunds},
            }

        kind = rng.random()
        events = []
        if kind < 0.6:
            events.append(("checkout.session.completed", session))
            expected[pid] = ("paid", 0)
        elif kind < 0.7:  # paid, then fully refunded (both refund event kinds)
            r1 = refund(1, amount)
            events += [
                ("checkout.session.completed", session),
                ("charge.refunded", charge([r1])),
                ("refund.created", r1),
            ]
            expected[pid] = ("refunded", amount)
        elif kind < 0.8:  # paid, two partial refunds (half in all)
            r1, r2 = refund(1, amount * 3 // 10), refund(2, amount // 2 - amount * 3 // 10)
            events += [
                ("checkout.session.completed", session),
                ("refund.created", r1),
                ("charge.refunded", charge([r1])),
                ("refund.created", r2),
                ("charge.refunded", charge([r1, r2])),
            ]
            expected[pid] = ("paid", r1["amount"] + r2["amount"])
        elif kind < 0.9:
            events.append(("checkout.session.expired", dict(unpaid, status="expired")))
            expected[pid] = ("expired", 0)
        elif kind < 0.95:  # a delayed method that settles
            events += [
                ("checkout.session.completed", unpaid),
                ("checkout.session.async_payment_succeeded", session),
            ]
            expected[pid] = ("paid", 0)
        else:  # a delayed method that fails
            events += [
                ("checkout.session.completed", unpaid),
                ("checkout.session.async_payment_failed", unpaid),
            ]
            expected[pid] = ("failed", 0)
        for n, (event_type, obj) in enumerate(events):
            unique.append(_event(f"evt_bench_{pid}_{n}", event_type, obj))
        # Events Stripe also sends that wcl records and ignores.
        for n, noise_type in enumerate(
            ("payment_intent.created", "charge.succeeded", "payment_intent.succeeded")
        ):
            noise.append(_event(f"evt_bench_{pid}_noise{n}", noise_type, {"id": f"pi_bench_{pid}"}))
    target_unique = int(total_events * 0.8)
    rng.shuffle(noise)
    unique += noise[: max(0, target_unique - len(unique))]
    duplicates = [rng.choice(unique) for _ in range(total_events - len(unique))]
    stream = unique + duplicates
    rng.shuffle(stream)
    return stream, len(unique), expected


def seed(app, count):
    """2,000 (``count``) pending Stripe pledges over 20 campaigns; returns [(id, amount, campaign)]."""
    from tests.factories.accounts import UserFactory
    from tests.factories.campaigns import CampaignFactory
    from wcl.campaigns.models import Pledge
    from wcl.extensions import db

    with app.app_context():
        owner = UserFactory(roles=["participant"])
        campaigns = [CampaignFactory(owner=owner, slug=f"bench-{i}").id for i in range(CAMPAIGNS)]
        rng = random.Random(1)
        rows = [
            {
                "campaign_id": campaigns[i % CAMPAIGNS],
                "backer_name": f"Backer {i}",
                "anonymous": False,
                "locale": "ru",
                "amount": rng.randrange(50, 5000) * 100,
                "currency": "KGS",
                "refunded_amount": 0,
                "status": "pending",
                "holds_stock": False,
                "provider": "stripe",
                "token": f"bench-token-{i}",
            }
            for i in range(count)
        ]
        db.session.execute(sa.insert(Pledge), rows)
        db.session.commit()
        db.session.execute(
            sa.update(Pledge).values(
                provider_ref=sa.func.concat("cs_bench_", Pledge.id),
                payment_intent_id=sa.func.concat("pi_bench_", Pledge.id),
            )
        )
        db.session.commit()
        return [tuple(r) for r in db.session.execute(sa.select(Pledge.id, Pledge.amount, Pledge.campaign_id))]


def _post(url, event):
    from wcl.payments.signatures import sign

    body = json.dumps(event, separators=(",", ":")).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Stripe-Signature": sign(body, SECRET), "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _get(url, _=None):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def hammer(func, url, items):
    """Run ``func(url, item)`` for every item on CONCURRENCY threads; returns (statuses, seconds)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        statuses = list(pool.map(lambda item: func(url, item), items))
    return statuses, time.perf_counter() - started


def verify(app, pledges, expected):
    """Compare the database with what the events imply; returns a list of problems."""
    from wcl.campaigns.models import Pledge
    from wcl.campaigns.queries import campaign_totals
    from wcl.extensions import db
    from wcl.payments.models import Refund

    problems = []
    with app.app_context():
        actual = {
            pid: (status, int(refunded))
            for pid, status, refunded in db.session.execute(
                sa.select(Pledge.id, Pledge.status, Pledge.refunded_amount)
            )
        }
        for pid, want in expected.items():
            if actual.get(pid) != want:
                problems.append(f"pledge {pid}: expected {want}, found {actual.get(pid)}")
        want_totals = {}
        for pid, amount, cid in pledges:
            status, refunded = expected[pid]
            if status == "paid":
                want_totals[cid] = want_totals.get(cid, 0) + amount - refunded
        got = campaign_totals(sorted({cid for _p, _a, cid in pledges}))
        for cid, totals in got.items():
            if totals["raised"] != want_totals.get(cid, 0):
                problems.append(
                    f"campaign {cid}: raised {totals['raised']}, expected {want_totals.get(cid, 0)}"
                )
        refunds = db.session.scalar(sa.select(sa.func.count(Refund.id)))
        want_refunds = sum(
            1 if status == "refunded" else 2 if refunded else 0 for status, refunded in expected.values()
        )
        if refunds != want_refunds:
            problems.append(f"{refunds} refund rows, expected {want_refunds}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--pledges", type=int, default=2_000)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for processing")
    parser.add_argument(
        "--fork", action="store_true", help="fork a work horse per job (RQ's default) instead of --no-fork"
    )
    args = parser.parse_args(argv)

    database_url = fresh_database(os.environ.get("WCL_BENCH_WEBHOOKS_DATABASE", "wcl_bench_webhooks"))
    env = bench_env(database_url, STRIPE_WEBHOOK_SECRET=SECRET, REDIS_URL=REDIS_URL)
    os.environ.update(env)
    from redis import Redis

    from wcl import create_app
    from wcl.extensions import db
    from wcl.payments.models import WebhookEvent

    Redis.from_url(env["REDIS_URL"]).flushdb()
    app = create_app()
    pledges = seed(app, args.pledges)
    stream, unique, expected = plan(pledges, args.events)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    commands = [
        gunicorn_command(port, workers=2, threads=4),
        worker_command("webhooks", fork=args.fork),
        worker_command("webhooks", fork=args.fork),
    ]
    print(f"machine: {machine()}")
    print(
        f"RQ workers: 2 on the webhooks queue, {'fork per job' if args.fork else '--no-fork (SimpleWorker)'}"
    )
    print(
        f"{len(stream)} events ({unique} unique, {len(stream) - unique} duplicates) for {len(pledges)} pledges"
    )
    with processes(commands, env, log_dir=LOG_DIR):
        wait_healthy(base)
        health, health_s = hammer(_get, f"{base}/healthz", range(2000))
        health_rps = len(health) / health_s
        assert all(s == 200 for s in health), "healthz failed"
        started = time.perf_counter()
        statuses, post_s = hammer(_post, f"{base}/webhooks/stripe", stream)
        accepted_rps = len(stream) / post_s
        bad = [s for s in statuses if s != 200]
        # The same baseline again while the two workers work through the backlog, as they did
        # while the events were posted: the accept rate's load, without the accept path's own work.
        busy, busy_s = hammer(_get, f"{base}/healthz", range(2000))
        busy_rps = len(busy) / busy_s
        deadline = time.time() + args.timeout
        with app.app_context():
            while True:
                left = db.session.scalar(
                    sa.select(sa.func.count(WebhookEvent.id)).where(WebhookEvent.processed_at.is_(None))
                )
                db.session.rollback()
                if left == 0 or time.time() > deadline:
                    break
                time.sleep(0.5)
            processed_s = time.perf_counter() - started
            stored = db.session.scalar(sa.select(sa.func.count(WebhookEvent.id)))
            db.session.rollback()
    print(
        f"/healthz baseline: {health_rps:.0f} requests/s ({CONCURRENCY} concurrent clients, same client code)"
    )
    print(f"accepted: {accepted_rps:.0f} events/s ({post_s:.1f} s, non-200: {len(bad)})")
    print(
        f"processed: {unique / processed_s:.0f} events/s (all {unique} unique events in {processed_s:.1f} s)"
    )
    print(f"ratio accepted / healthz: {accepted_rps / health_rps:.2f}")
    print(
        f"/healthz while the workers process the backlog: {busy_rps:.0f} requests/s; "
        f"ratio accepted / that: {accepted_rps / busy_rps:.2f}"
    )
    print(f"inbox: {stored} stored (expected {unique}), {left} unprocessed")
    problems = verify(app, pledges, expected)
    if stored != unique:
        problems.append(f"inbox holds {stored} events, expected {unique}")
    if left:
        problems.append(f"{left} events never processed")
    if bad:
        problems.append(f"{len(bad)} posts were not answered 200")
    for line in problems[:20]:
        print("PROBLEM:", line)
    print(
        "ledger: OK — every pledge and campaign total as the events imply"
        if not problems
        else "ledger: FAILED"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
