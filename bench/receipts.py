"""Receipt rendering throughput, against a minimal WeasyPrint page with the same fonts.

    python -m bench.receipts

1. In one warm process: renders 200 receipts (the real template, QR code,
   org details) and 200 minimal one-page documents using the same bundled
   DejaVu @font-face, and prints receipts/s, minimal pages/s and the ratio
   (what our template costs over WeasyPrint's floor on this machine), by the
   clock and by this process's CPU time: on a machine shared with other work
   the clock ratio moves with the load (the minimal page's fresh font
   configuration reads fontconfig's files), the CPU ratio much less.
2. Queues 1,000 receipts on a fresh PostgreSQL bench database and times two
   RQ worker processes (``python -m workers.worker receipts``, the default
   layout: jobs in the worker process; ``--fork`` forks a work horse per job)
   clearing them: every PDF rendered and stored, every email (with the PDF
   attached) sent.
"""

import argparse
import secrets
import sys
import time

from redis import Redis

from bench import harness
from workers.worker import add_fork_options

RENDERS = 200
ROUND = 20
QUEUED = 1_000
WORKERS = 2

MINIMAL = """<!doctype html><html lang="ky"><head><meta charset="utf-8"><style>
@font-face { font-family: "WCL Sans"; src: url("fonts/DejaVuSans.ttf"); font-weight: normal; }
@font-face { font-family: "WCL Sans"; src: url("fonts/DejaVuSans-Bold.ttf"); font-weight: bold; }
@page { size: A4; margin: 18mm; } body { font-family: "WCL Sans"; }
</style></head><body><h1>Квитанция {n}</h1><p>Айгерим Үсөнова — Ң Ө Ү — 1 000 сом</p></body></html>"""


def _app(database_url):
    return harness.bench_app(database_url)


def _seed(app, count):
    """A campaign and ``count`` paid pledges; returns their ids."""
    from wcl.campaigns.models import Pledge
    from wcl.extensions import db
    from wcl.time import utcnow

    with app.app_context():
        campaign = harness.bench_campaign("Өнөр Көктөм кийиз")
        now = utcnow()
        pledges = [
            Pledge(
                campaign_id=campaign.id,
                backer_name=f"Айгерим Үсөнова {i}",
                backer_email=f"b{i}@bench.example",
                locale=("en", "ru", "ky")[i % 3],
                amount=100_000 + i * 100,
                currency="KGS",
                status="paid",
                provider="sandbox",
                provider_ref=f"cs_bench_{secrets.token_hex(8)}",
                token=secrets.token_urlsafe(24),
                paid_at=now,
            )
            for i in range(count)
        ]
        db.session.add_all(pledges)
        db.session.commit()
        return [p.id for p in pledges]


def warm_renders(app):
    from wcl.extensions import db
    from wcl.pdf import BASE_URL, HTML, font_config, restricted_fetcher
    from wcl.receipts import services
    from wcl.receipts.models import Receipt

    pledge_ids = _seed(app, RENDERS)
    with app.app_context():
        ids = [services.issue_receipt(pid).id for pid in pledge_ids]
        receipts = [db.session.get(Receipt, rid) for rid in ids]
        services.render_receipt_pdf(receipts[0])  # warm: fonts, templates, Pango
        HTML(
            string=MINIMAL.replace("{n}", "0"), base_url=BASE_URL, url_fetcher=restricted_fetcher
        ).write_pdf()
        runs = {
            "receipt": lambda i: services.render_receipt_pdf(receipts[i]),
            "minimal": lambda i: HTML(
                string=MINIMAL.replace("{n}", str(i)), base_url=BASE_URL, url_fetcher=restricted_fetcher
            ).write_pdf(),
            # The same minimal page with the font configuration kept between renders, as wcl.pdf does.
            "minimal_shared": lambda i: HTML(
                string=MINIMAL.replace("{n}", str(i)), base_url=BASE_URL, url_fetcher=restricted_fetcher
            ).write_pdf(font_config=font_config()),
        }
        clock = dict.fromkeys(runs, 0.0)
        cpu = dict.fromkeys(runs, 0.0)
        size = 0
        # Interleaved in rounds, so a change in the machine's load during the run
        # weighs on the receipts and the minimal page alike.
        for first in range(0, RENDERS, ROUND):
            for name, run in runs.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                for i in range(first, first + ROUND):
                    data = run(i)
                    size += len(data) if name == "receipt" else 0
                clock[name] += time.perf_counter() - start
                cpu[name] += time.process_time() - start_cpu
    return {
        "receipts_per_s": RENDERS / clock["receipt"],
        "minimal_per_s": RENDERS / clock["minimal"],
        "ratio": clock["receipt"] / clock["minimal"],
        "cpu_ratio": cpu["receipt"] / cpu["minimal"],
        "minimal_shared_fonts_per_s": RENDERS / clock["minimal_shared"],
        "ratio_to_shared_fonts": clock["receipt"] / clock["minimal_shared"],
        "avg_pdf_kb": size / RENDERS / 1024,
    }


def worker_command(fork=None):
    """``workers.worker receipts`` as deployed (its default layout), or forced with ``--fork``/``--no-fork``."""
    flags = [] if fork is None else ["--fork" if fork else "--no-fork"]
    return [sys.executable, "-m", "workers.worker", *flags, "receipts"]


def queued_run(app, database_url, count=QUEUED, fork=None):
    from wcl.extensions import db
    from wcl.receipts import services
    from wcl.receipts.models import Receipt

    Redis.from_url(harness.REDIS_URL).flushdb()  # the warm run's own render jobs are not part of this
    pledge_ids = _seed(app, count)
    with app.app_context():
        for pid in pledge_ids:
            services.issue_receipt(pid)  # each queues its render job after commit
    env = harness.bench_env(database_url)
    start = time.perf_counter()
    with harness.processes([worker_command(fork) for _ in range(WORKERS)], env):
        while True:
            with app.app_context():
                done = db.session.scalar(
                    db.select(db.func.count(Receipt.id)).where(
                        Receipt.emailed_at.is_not(None), Receipt.pdf_id.is_not(None)
                    )
                )
                db.session.rollback()
            if done >= count:
                break
            if time.perf_counter() - start > 1800:
                raise SystemExit(f"timed out with {done} of {count} done")
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "per_s": count / elapsed}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queued", type=int, default=QUEUED, help="receipts queued for the workers")
    add_fork_options(parser)  # the workers' own options: the default layout unless one is forced
    parser.add_argument("--skip-warm", action="store_true", help="only the queued run")
    args = parser.parse_args(argv)
    database_url = harness.fresh_database()
    print(f"machine: {harness.machine()}; date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    app = _app(database_url)
    if not args.skip_warm:
        warm = warm_renders(app)
        print(
            f"warm process, {RENDERS} each: receipts {warm['receipts_per_s']:.1f}/s, "
            f"minimal one-page document {warm['minimal_per_s']:.1f}/s, "
            f"receipt/minimal time ratio {warm['ratio']:.2f}x (CPU time {warm['cpu_ratio']:.2f}x; "
            f"to the minimal page with fonts kept {warm['ratio_to_shared_fonts']:.2f}x), "
            f"average receipt PDF {warm['avg_pdf_kb']:.0f} KiB"
        )
    queued = queued_run(app, database_url, args.queued, fork=args.fork)
    mode = "forking a work horse per job (--fork)" if args.fork else "in-process (the default layout)"
    print(
        f"{args.queued} queued receipts, {WORKERS} RQ workers {mode} (render + store + email with PDF): "
        f"{queued['seconds']:.1f} s ({queued['per_s']:.1f} receipts/s)"
    )


if __name__ == "__main__":
    main()
