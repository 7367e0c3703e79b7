"""Public pages under load: the campaign page and the campaign list against ``/healthz``.

    .venv/bin/python -m bench.pages                  # 10 s per measurement
    .venv/bin/python -m bench.pages --duration 30
    .venv/bin/python -m bench.pages --signed-in      # as a signed-in backer (her session cookie)
    .venv/bin/python -m bench.pages --signed-in --reader   # as a signed-in reader who backed nothing

Seeds a fresh PostgreSQL database with a live campaign of 40 reward tiers and
10,000 pledges (paid, some anonymous, some matched by a sponsor pool, some
refunded or pending) among 30 other live campaigns, starts gunicorn with 2
workers, checks each page answers 200 with the seeded content, then drives
each page with wrk on loopback at 16 and 64 connections, first with every page
rendered for every request, then with the guest page cache on (wrk is a
guest: no cookies). With ``--signed-in`` wrk sends the session cookie of a seeded
backer (signed in through the real form; she has a paid pledge to the big
campaign): her pages are never served whole from the cache, and the second mode
then measures the shared parts (``page_cache.shared_parts``). Prints requests/s,
p50 and p99 latency for every page and its ratio to ``/healthz`` measured on
the same server in the same run (the baseline: the app's cheapest request).
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import sys
import urllib.parse
import urllib.request
from datetime import timedelta

import sqlalchemy as sa

from bench import harness

TIERS = 40
PLEDGES = 10_000
OTHER_CAMPAIGNS = 30
CONNECTIONS = (16, 64)
# Every page rendered for every request, then guests served from the page cache.
MODES = (("rendered every time (WCL_PAGE_CACHE_SECONDS=0)", "0"), ("guest page cache on (60 s)", "60"))
SIGNED_IN_MODES = (
    ("signed-in backer, rendered every time (WCL_PAGE_CACHE_SECONDS=0)", "0"),
    ("signed-in backer, shared parts cached (60 s)", "60"),
)
BACKER_EMAIL, BACKER_PASSWORD = "backer@bench.example", "bench-password-123"
READER_EMAIL = "reader@bench.example"  # same password; confirmed address, no pledge
GUEST_HEALTHZ = "/healthz (guest)"  # measured without her cookie, for comparison


def seed(app, tiers=TIERS, pledges=PLEDGES):
    """The big campaign and its neighbours; returns the big campaign's slug and title."""
    from wcl.accounts.services import create_user
    from wcl.campaigns.models import (
        Campaign,
        CampaignUpdate,
        MatchingPool,
        MatchReservation,
        Pledge,
        RewardTier,
        matching_pool_campaigns,
    )
    from wcl.extensions import db
    from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
    from wcl.time import utcnow

    now = utcnow()
    regions, domains = sorted(REGION_CODES), sorted(CREATIVE_DOMAIN_CODES)
    with app.app_context():
        owner = create_user("creator@bench.example", "bench-password-123", "Гүлнара", ["participant"])
        backer = create_user(BACKER_EMAIL, BACKER_PASSWORD, "Айгерим", [], locale="ky")
        create_user(READER_EMAIL, BACKER_PASSWORD, "Бермет", [], locale="ky")

        def campaign(n, **extra):
            return {
                "slug": f"bench-{n}-{secrets.token_hex(3)}",
                "owner_id": owner.id,
                "status": "live",
                "title": f"Кийиз өнөрү {n}",
                "summary": "Felt slippers and toys from Naryn wool, made by a women's workshop.",
                "story_md": "We make felt.",
                "story_html": "<p>We make felt.</p>" * 20,
                "goal_amount": 50_000_000,
                "currency": "KGS",
                "starts_at": now - timedelta(days=10),
                "ends_at": now + timedelta(days=20 + n),
                "funding_model": "keep_it_all",
                "region": regions[n % len(regions)],
                "creative_domain": domains[n % len(domains)],
                "creator_name": f"Гүлнара {n}",
                "photo_consent": False,
                "went_live_at": now - timedelta(days=10),
                "created_at": now,
                "updated_at": now,
                **extra,
            }

        rows = [campaign(n) for n in range(OTHER_CAMPAIGNS + 1)]
        ids = db.session.scalars(sa.insert(Campaign).returning(Campaign.id), rows).all()
        big_id, big = ids[0], rows[0]

        tier_rows = [
            {
                "campaign_id": big_id,
                "title": f"Сыйлык {n + 1}",
                "description": "Handmade felt item, wrapped and signed by the maker.",
                "min_amount": 20_000 * (n + 1),
                "quantity": 1_000 if n % 2 else None,
                "held": 0,
                "delivery": "pickup",
                "created_at": now,
            }
            for n in range(tiers)
        ]
        tier_ids = db.session.scalars(sa.insert(RewardTier).returning(RewardTier.id), tier_rows).all()
        held = dict.fromkeys(tier_ids, 0)
        statuses = ["paid"] * 17 + ["refunded", "pending", "expired"]
        pledge_rows = []
        for i in range(pledges):
            tier_index = i % (tiers + 10)  # every fifth-ish pledge has no reward
            tier_id = tier_ids[tier_index] if tier_index < tiers else None
            status = statuses[i % len(statuses)]
            holds = tier_id is not None and status in ("paid", "pending")
            if holds:
                held[tier_id] += 1
            amount = tier_rows[tier_index]["min_amount"] if tier_id else 10_000 + i
            pledge_rows.append(
                {
                    "campaign_id": big_id,
                    "tier_id": tier_id,
                    "backer_id": backer.id if i == 1 else None,  # the signed-in backer's paid pledge
                    "backer_name": f"Айгерим {i}",
                    "backer_email": f"backer{i}@bench.example",
                    "anonymous": i % 7 == 0,
                    "locale": ("ky", "ru", "en")[i % 3],
                    "amount": amount,
                    "currency": "KGS",
                    "refunded_amount": amount if status == "refunded" else 0,
                    "status": status,
                    "holds_stock": holds,
                    "provider": "sandbox",
                    "provider_ref": f"cs_bench_{i}",
                    "token": f"bench-{i}-{secrets.token_hex(8)}",
                    "created_at": now - timedelta(minutes=i),
                    "paid_at": now - timedelta(minutes=i) if status in ("paid", "refunded") else None,
                }
            )
        pledge_ids = db.session.scalars(sa.insert(Pledge).returning(Pledge.id), pledge_rows).all()
        for tier_id, count in held.items():
            db.session.execute(sa.update(RewardTier).where(RewardTier.id == tier_id).values(held=count))

        pool_id = db.session.scalar(
            sa.insert(MatchingPool)
            .values(
                sponsor_name="Bench Sponsor",
                budget=100_000_000,
                currency="KGS",
                reserved=0,
                ratio_num=1,
                ratio_den=1,
                starts_at=now - timedelta(days=30),
                ends_at=now + timedelta(days=60),
                active=True,
                created_at=now,
            )
            .returning(MatchingPool.id)
        )
        db.session.execute(sa.insert(matching_pool_campaigns).values(pool_id=pool_id, campaign_id=big_id))
        matched = [
            {"pool_id": pool_id, "pledge_id": pid, "campaign_id": big_id, "amount": 10_000, "created_at": now}
            for pid, row in zip(pledge_ids, pledge_rows, strict=True)
            if row["status"] == "paid"
        ][:2_000]
        db.session.execute(sa.insert(MatchReservation), matched)
        db.session.execute(
            sa.update(MatchingPool).where(MatchingPool.id == pool_id).values(reserved=10_000 * len(matched))
        )
        db.session.execute(
            sa.insert(CampaignUpdate),
            [
                {
                    "campaign_id": big_id,
                    "author_id": owner.id,
                    "title": f"Жаңылык {n}",
                    "body_md": "News.",
                    "body_html": "<p>News.</p>",
                    "visibility": "public",
                    "created_at": now - timedelta(days=n),
                }
                for n in range(12)
            ],
        )
        db.session.commit()
        # As autovacuum would within a minute of a bulk load on a production server (this
        # machine's PostgreSQL runs without it): the planner needs the pledges' statistics.
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        return big["slug"], big["title"]


def fetch(url, headers=()):
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def sign_in(base, email=BACKER_EMAIL):
    """Sign a seeded person (the backer) in through the real form; returns her ``Cookie:`` header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/account/login", timeout=30) as response:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"email": email, "password": BACKER_PASSWORD, "csrf_token": token})
    with opener.open(f"{base}/account/login", data=form.encode(), timeout=30) as response:
        response.read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    return f"Cookie: {cookies}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per measurement")
    parser.add_argument("--signed-in", action="store_true", help="wrk as a signed-in backer (her cookie)")
    parser.add_argument(
        "--reader", action="store_true", help="with --signed-in: a reader with no pledge, not the backer"
    )
    args = parser.parse_args(argv)

    database_url = harness.fresh_database(os.environ.get("WCL_BENCH_PAGES_DATABASE", "wcl_bench_pages"))
    env = harness.bench_env(database_url)  # PostgreSQL and Redis, as in production
    os.environ.update(env)
    from wcl import create_app

    app = create_app()
    slug, title = seed(app)
    port = harness.free_port()
    base = f"http://127.0.0.1:{port}"
    pages = {
        "/healthz": "/healthz",
        "campaign page": f"/campaigns/{slug}",
        "campaign list": "/campaigns/",
    }
    if args.signed_in:
        # Her /healthz pays for loading her session too; a guest's shows what that costs.
        pages[GUEST_HEALTHZ] = "/healthz"
    print(f"machine: {harness.machine()}")
    print(
        f"data: 1 campaign with {TIERS} tiers and {PLEDGES:,} pledges, {OTHER_CAMPAIGNS} other live campaigns"
    )
    print("server: gunicorn, 2 sync workers, PostgreSQL + Redis; load: wrk on loopback, 2 threads")
    failed = False
    who = (READER_EMAIL if args.reader else BACKER_EMAIL) if args.signed_in else None
    for mode, seconds in SIGNED_IN_MODES if args.signed_in else MODES:
        if args.reader:
            mode = mode.replace("signed-in backer", "signed-in reader without a pledge")
        results = measure(
            base,
            port,
            pages,
            title,
            dict(env, WCL_PAGE_CACHE_SECONDS=seconds),
            args.duration,
            signed_in=who,
        )
        failed |= report(mode, pages, results)
    print("\nratio = the page's requests/s over /healthz's at the same connection count")
    if failed:
        print("FAILED: some responses were not 2xx/3xx")
    return 1 if failed else 0


def measure(base, port, pages, title, env, duration, signed_in=None):
    """Start gunicorn with ``env``, check the pages are the real thing, then time each
    (``signed_in``: the seeded person with this email, signed in once through the form)."""
    results = {}
    with harness.processes([harness.gunicorn_command(port, workers=2)], env, log_dir="/tmp/wcl-bench-pages"):
        harness.wait_healthy(base)
        headers = [sign_in(base, signed_in)] if signed_in else []
        status, html = fetch(base + pages["campaign page"], headers)
        assert status == 200 and title in html, "campaign page did not render the seeded campaign"
        assert all(f"Сыйлык {n + 1}<" in html for n in range(TIERS)), "not every tier is on the page"
        assert not signed_in or 'action="/account/logout"' in html, "the backer is not signed in"
        status, html = fetch(base + pages["campaign list"], headers)
        assert status == 200 and "Кийиз өнөрү" in html, "campaign list did not render"
        for connections in CONNECTIONS:
            for name, path in pages.items():
                sent = [] if name == GUEST_HEALTHZ else headers
                harness.wrk(base + path, connections, duration=2, headers=sent)  # warm the workers' caches
                results[name, connections] = harness.wrk(
                    base + path, connections, duration=duration, headers=sent
                )
    return results


def report(mode, pages, results):
    """Print one mode's table; True if any response failed."""
    print(f"\n{mode}")
    print(f"{'page':<17} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8}")
    failed = False
    for connections in CONNECTIONS:
        baseline = results["/healthz", connections]["rps"]
        for name in pages:
            r = results[name, connections]
            failed |= r["non_2xx"] > 0
            print(
                f"{name:<17} {connections:>5} {r['rps']:>8.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f}"
                f" {r['rps'] / baseline:>6.2f} {r['non_2xx']:>8}"
            )
    return failed


if __name__ == "__main__":
    sys.exit(main())
