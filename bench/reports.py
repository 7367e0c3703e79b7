"""Participation report cost at 10 % and 100 % of 100,000 applicants, 20,000
enrolments and 1,000,000 pledges, next to bare ``SELECT count(*) … GROUP BY``
scans of the same tables in the same run.

Times the report's own queries (funnel + money, gender × region) and the whole
page's work (``build_report``: queries, suppression, and for a call filter the
extra comparison reports). Each size runs in its own process, so its peak RSS
is its own; the Python heap's peak while building a report (tracemalloc) shows
that no rows are loaded into Python.

    .venv/bin/python -m bench.reports            # 10 % then 100 %
    .venv/bin/python -m bench.reports --scale 0.1

Data is bulk-inserted with ``INSERT … SELECT generate_series`` (seconds, not minutes); the
money report's per-campaign and per-day tables (kept by ``wcl.reports.maintenance`` on every
ORM flush of a pledge) are filled from the bulk-inserted pledges as the migrations fill them.
Pledges are paid over 30 days, and one page is filtered to two weeks of them.
"""

import argparse
import multiprocessing
import resource
import time
import tracemalloc

import sqlalchemy as sa

from bench.harness import fresh_database, machine

FULL = {"applicants": 100_000, "enrolments": 20_000, "pledges": 1_000_000}

SEED = """
INSERT INTO labs (id, slug, name_en, name_ru, name_ky, region)
SELECT i, 'lab-' || i, 'Lab ' || i, 'Лаб ' || i, 'Лаб ' || i, 'KG-O' FROM generate_series(1, 3) i;
INSERT INTO calls (id, lab_id, slug, title_en, title_ru, title_ky, opens_at, closes_at, reviews_required, created_at)
SELECT i, 1 + i % 3, 'call-' || i, 'Call', 'Набор', 'Набор', now(), now() + interval '1 day', 2, now() FROM generate_series(1, 10) i;
INSERT INTO users (id, email, password_hash, full_name, is_active_account, created_at, password_changed_at, cell_key)
SELECT i, 'u' || i || '@example.org', 'x', 'User ' || i, true, now(), now(), floor(random() * 256) FROM generate_series(1, :applicants) i;
INSERT INTO applications (id, call_id, applicant_id, status, submitted_at, created_at, updated_at,
  last_saved_step, paper_consent, snapshot_gender, snapshot_birth_year, snapshot_region,
  snapshot_settlement, snapshot_creative_domain, snapshot_disability)
SELECT i, 1 + i % 10, i,
  CASE WHEN i <= :enrolments THEN 'accepted' WHEN i % 7 = 0 THEN 'shortlisted' ELSE 'rejected' END,
  timestamptz '2025-01-01' + (i % 365) * interval '1 day', now(), now(), 3, false,
  (ARRAY['woman','woman','woman','woman','man','another','prefer_not', NULL])[1 + i % 8],
  1960 + i % 50,
  (ARRAY['KG-B','KG-C','KG-GB','KG-GO','KG-J','KG-N','KG-O','KG-T','KG-Y'])[1 + i % 9],
  (ARRAY['urban','rural'])[1 + i % 2], 'V_ARTS', i % 13 = 0
FROM generate_series(1, :applicants) i;
INSERT INTO cohorts (id, lab_id, call_id, name, starts_on, ends_on, capacity, created_at, is_online,
  min_attendance_pct, require_milestones, checkin_interval_days)
SELECT i, 1 + i % 3, 1 + i % 10, 'Cohort ' || i, date '2025-03-01', date '2025-09-01', 1000, now(), false, 75, true, 14
FROM generate_series(1, 40) i;
INSERT INTO enrolments (id, cohort_id, participant_id, application_id, status, enrolled_at, graduated_at)
SELECT i, 1 + i % 40, i, i, CASE WHEN i % 3 = 0 THEN 'graduated' ELSE 'active' END,
  timestamptz '2025-03-01', CASE WHEN i % 3 = 0 THEN timestamptz '2025-09-01' END
FROM generate_series(1, :enrolments) i;
INSERT INTO cohort_sessions (id, cohort_id, title, starts_at, ends_at, created_at)
SELECT i, 1 + (i - 1) / 4, 'Session', timestamptz '2025-03-01' + i * interval '1 day',
  timestamptz '2025-03-01' + i * interval '1 day' + interval '2 hours', now()
FROM generate_series(1, 160) i;
INSERT INTO cohort_attendance (session_id, enrolment_id, status, marked_at)
SELECT 1 + ((e.id % 40) * 4) + s, e.id, CASE WHEN (e.id + s) % 5 = 0 THEN 'absent' ELSE 'present' END, now()
FROM enrolments e CROSS JOIN generate_series(0, 3) s;
INSERT INTO campaigns (id, slug, owner_id, status, title, summary, story_md, story_html, goal_amount, currency,
  starts_at, ends_at, funding_model, region, creative_domain, creator_name, photo_consent, went_live_at,
  created_at, updated_at)
SELECT i, 'c-' || i, i * 3, (ARRAY['live','succeeded','failed'])[1 + i % 3], 'T', 'S', '', '', 10000000, 'KGS',
  timestamptz '2025-10-01', timestamptz '2025-11-01', 'keep_it_all', 'KG-O', 'V_ARTS', 'C', false,
  timestamptz '2025-10-01', now(), now()
FROM generate_series(1, :enrolments / 6) i;
INSERT INTO pledges (campaign_id, backer_name, backer_email, anonymous, locale, amount, currency, refunded_amount,
  status, holds_stock, provider, token, created_at, paid_at)
SELECT 1 + i % (:enrolments / 6), 'B', 'b' || (i % 200000) || '@example.org', false, 'en', 50000 + (i % 10) * 1000,
  'KGS', 0, CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'paid' END, false, 'sandbox', md5(i::text),
  timestamptz '2025-10-05', timestamptz '2025-10-01 12:00' + (i % 30) * interval '1 day'
FROM generate_series(1, :pledges) i;
INSERT INTO report_campaign_backers (campaign_id, backer, paid_pledges)
SELECT campaign_id, 'e' || lower(backer_email), count(*) FROM pledges WHERE status = 'paid' GROUP BY 1, 2;
INSERT INTO report_campaign_money (campaign_id, pledged, backers)
SELECT p.campaign_id, sum(p.amount - p.refunded_amount),
  (SELECT count(*) FROM report_campaign_backers b WHERE b.campaign_id = p.campaign_id)
FROM pledges p WHERE p.status = 'paid' GROUP BY p.campaign_id;
INSERT INTO report_campaign_days (day, campaign_id, pledged)
SELECT CAST(paid_at AT TIME ZONE 'Asia/Bishkek' AS DATE), campaign_id, sum(amount - refunded_amount)
FROM pledges WHERE status = 'paid' GROUP BY 1, 2;
INSERT INTO report_campaign_backer_days (campaign_id, backer, day, paid_pledges)
SELECT campaign_id, 'e' || lower(backer_email), CAST(paid_at AT TIME ZONE 'Asia/Bishkek' AS DATE), count(*)
FROM pledges WHERE status = 'paid' GROUP BY 1, 2, 3;
INSERT INTO report_campaign_day_backers (day, campaign_id, since, backers)
SELECT day, campaign_id, coalesce(since, DATE '1900-01-01'), count(*) FROM (
  SELECT day, campaign_id, lag(day) OVER (PARTITION BY campaign_id, backer ORDER BY day) AS since
  FROM report_campaign_backer_days) AS runs
GROUP BY 1, 2, 3;
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
"""


def _timed(fn, repeat=5):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def run(scale):
    from wcl import create_app
    from wcl.extensions import db
    from wcl.reports import queries

    sizes = {k: int(v * scale) for k, v in FULL.items()}
    url = fresh_database("wcl_bench_reports")
    engine = sa.create_engine(url)
    start = time.perf_counter()
    with engine.begin() as conn:
        for statement in SEED.split(";\n"):
            if statement.strip():
                conn.execute(sa.text(statement), {k: v for k, v in sizes.items() if f":{k}" in statement})
        conn.execute(sa.text("ANALYZE"))
    load = time.perf_counter() - start
    engine.dispose()

    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None})
    with app.test_request_context():
        from wcl.accounts.services import create_user
        from wcl.reports.services import build_report, parse_filters

        admin = create_user("bench-admin@example.org", "bench-password-123", "Bench", ["admin"])
        run_sql = lambda q: db.session.execute(q).all()  # noqa: E731

        def funnel():
            run_sql(queries.stage_counts({}, "gender"))
            run_sql(queries.money_query({}, "gender"))

        def cross():
            run_sql(queries.stage_counts({}, "gender", "region"))

        def page(args):
            return lambda: build_report(parse_filters(args, admin), admin)

        def bare():
            for sql in (
                "SELECT snapshot_gender, count(*) FROM applications GROUP BY 1",
                "SELECT status, count(*) FROM enrolments GROUP BY 1",
                "SELECT status, count(*) FROM cohort_attendance GROUP BY 1",
                "SELECT status, count(*) FROM campaigns GROUP BY 1",
                "SELECT status, count(*), sum(amount) FROM pledges GROUP BY 1",
            ):
                db.session.execute(sa.text(sql)).all()

        t_bare = _timed(bare)
        t_funnel = _timed(funnel)
        t_cross = _timed(cross)
        t_page = _timed(page({"by": "gender"}))
        t_page_cross = _timed(page({"by": "gender", "by2": "region"}))
        t_page_call = _timed(page({"by": "gender", "call": "1"}))
        t_page_dated = _timed(page({"by": "gender", "date_from": "2025-10-08", "date_to": "2025-10-21"}))
        tracemalloc.start()
        page({"by": "gender", "by2": "region"})()
        heap_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"scale {scale:>4.0%}: {sizes['applicants']:>7,} applicants {sizes['enrolments']:>6,} enrolments "
        f"{sizes['pledges']:>9,} pledges (loaded in {load:.1f} s)\n"
        f"   bare GROUP BY scans          {t_bare * 1000:8.1f} ms\n"
        f"   funnel + money queries       {t_funnel * 1000:8.1f} ms  ({t_funnel / t_bare:.1f}× bare)\n"
        f"   gender × region query        {t_cross * 1000:8.1f} ms  ({t_cross / t_bare:.1f}× bare)\n"
        f"   report page, by gender       {t_page * 1000:8.1f} ms  ({t_page / t_bare:.1f}× bare)\n"
        f"   report page, gender × region {t_page_cross * 1000:8.1f} ms  ({t_page_cross / t_bare:.1f}× bare)\n"
        f"   report page, one call        {t_page_call * 1000:8.1f} ms  ({t_page_call / t_bare:.1f}× bare)\n"
        f"   report page, two weeks       {t_page_dated * 1000:8.1f} ms  ({t_page_dated / t_bare:.1f}× bare)\n"
        f"   peak RSS of this size's process {peak:.0f} MiB; Python heap peak building a report {heap_peak:.1f} MiB",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, action="append")
    scales = parser.parse_args().scale or [0.1, 1.0]
    print(f"machine: {machine()}; date: {time.strftime('%Y-%m-%d %H:%M %Z')}", flush=True)
    spawn = multiprocessing.get_context("spawn")
    for scale in scales:
        # A fresh process per size: ru_maxrss only ever grows within a process.
        child = spawn.Process(target=run, args=(scale,))
        child.start()
        child.join()
        if child.exitcode:
            raise SystemExit(f"scale {scale}: the benchmark process failed ({child.exitcode})")


if __name__ == "__main__":
    main()
