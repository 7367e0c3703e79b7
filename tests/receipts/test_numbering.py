"""Receipt numbers: unique and gapless per year, also under concurrency and rollbacks."""

from concurrent.futures import ThreadPoolExecutor

from wcl.extensions import db
from wcl.receipts.numbering import format_number, next_number


def test_numbers_are_sequential_per_year(app_ctx):
    assert [next_number(2026) for _ in range(3)] == [1, 2, 3]
    assert next_number(2027) == 1
    db.session.commit()
    assert format_number(2026, 42) == "WCL-2026-000042"


def test_rolled_back_number_is_reused_so_there_is_no_gap(app_ctx):
    assert next_number(2026) == 1
    db.session.commit()
    assert next_number(2026) == 2
    db.session.rollback()  # the receipt that would have used 2 was not created
    assert next_number(2026) == 2


def test_concurrent_issuers_get_unique_gapless_numbers(app):
    def issue(_):
        with app.app_context():
            number = next_number(2026)
            db.session.commit()
            return number

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(issue, range(200)))
    assert sorted(numbers) == list(range(1, 201))
