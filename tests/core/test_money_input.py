"""Money input: digits, optional group spaces and one decimal separator, nothing else."""

import pytest

from wcl.money import MoneyError, parse_amount


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1500", 150000),
        (" 1500 ", 150000),
        ("1 500", 150000),
        ("10 000,5", 1000050),
        ("1\u202f500.25", 150025),
        ("1,5", 150),
    ],
)
def test_plain_amounts_are_accepted(app_ctx, text, minor):
    assert parse_amount(text, "KGS") == minor


@pytest.mark.parametrize(
    "text",
    [
        "5e3",
        "1E-2",
        "1_0_0",
        "\uff15\uff10\uff10",  # full-width 500
        "\u0665\u0660",  # Arabic-Indic digits
        "+5",
        "1.5.0",
        "1,5.0",
        "1 50",  # a group of two digits is a typo, not a thousands group
        "0x10",
        "1 500 ,5",
    ],
)
def test_loose_amounts_are_refused(app_ctx, text):
    with pytest.raises(MoneyError):
        parse_amount(text, "KGS")
