"""The national-standard QR payload (EMVCo merchant-presented TLV with CRC-16/CCITT-FALSE)."""

import io

import pytest
import segno

from tests.factories.payments import BankAccountFactory
from tests.factories.programme import LabFactory
from wcl.payments import qr
from wcl.payments.qr import QRPayloadError, crc16_ccitt_false, emv_decode, emv_encode, tlv_fields

# The worked example of the EMVCo Merchant-Presented Mode specification (v1.1, annex A): a
# dynamic code with a Chinese alternate-language template; its CRC is A13A (over UTF-8 bytes,
# lengths counted in characters).
EMVCO_EXAMPLE = (
    "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN"
    "5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***"
    "0708A60086670902ME91320016A0112233449988770708123456786304A13A"
)
# Brazil's Pix, another EMVCo profile (the central bank's manual): CRC 1D3D.
PIX_EXAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_crc_test_vectors():
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogue check value of CRC-16/CCITT-FALSE
    assert crc16_ccitt_false(b"") == 0xFFFF
    for example, crc in ((EMVCO_EXAMPLE, "A13A"), (PIX_EXAMPLE, "1D3D")):
        assert f"{crc16_ccitt_false(example[:-4].encode()):04X}" == crc


def test_the_decoder_reads_the_published_examples():
    fields = emv_decode(EMVCO_EXAMPLE)
    assert fields["00"] == "01" and fields["01"] == "12" and fields["53"] == "156"
    assert fields["54"] == "23.72" and fields["58"] == "CN" and fields["59"] == "BEST TRANSPORT"
    assert tlv_fields(fields["64"]) == {"00": "ZH", "01": "最佳运输", "02": "北京"}
    assert tlv_fields(fields["62"])["03"] == "1234"
    assert emv_decode(PIX_EXAMPLE)["59"] == "Fulano de Tal"


def _tamper(payload, at, char):
    return payload[:at] + char + payload[at + 1 :]


def test_the_decoder_rejects_a_tampered_payload_or_crc():
    for bad in (
        EMVCO_EXAMPLE[:-4] + "A13B",  # a wrong CRC
        EMVCO_EXAMPLE[:-4] + "a13g",  # not hex
        _tamper(EMVCO_EXAMPLE, EMVCO_EXAMPLE.index("23.72"), "9"),  # the amount changed, CRC kept
        EMVCO_EXAMPLE[:-8],  # no CRC field
        EMVCO_EXAMPLE[:40],  # truncated
        "0002010102115",  # a length running past the end
    ):
        with pytest.raises(QRPayloadError):
            emv_decode(bad)


@pytest.fixture
def account(app_ctx):
    lab = LabFactory(slug="osh", name_en="Osh")
    return BankAccountFactory(
        lab=lab,
        recipient_name="ОФ «Женская творческая лаборатория»",
        bank_name="Демир Банк",
        account_number="1180000012345678",
        bic="DEMIKG22",
        qr_format="kg_emvco",
    )


def test_round_trip_of_a_dynamic_code(account):
    payload = qr.transfer_payload(account, 150_000, "KGS", "WCL-7K3F-9")
    assert payload.startswith("000201010212") and payload[-8:-4] == "6304"
    fields = emv_decode(payload)
    assert (fields["00"], fields["01"], fields["53"], fields["54"], fields["58"]) == (
        "01",
        "12",
        "417",
        "1500.00",
        "KG",
    )
    template = tlv_fields(fields[qr.KG_EMVCO["template"]])
    assert template["00"] == qr.KG_EMVCO["gui"]
    assert template["01"] == "1180000012345678" and template["02"] == "DEMIKG22"
    assert tlv_fields(fields["62"])["05"] == "WCL-7K3F-9"
    # The merchant name is plain Latin (as EMVCo asks); the original is in the alternate-language template.
    assert fields["59"].isascii() and len(fields["59"]) <= 25 and fields["59"].startswith("OF")
    alternate = tlv_fields(fields["64"])
    assert (alternate["00"], alternate["01"]) == ("RU", "ОФ «Женская творческая лаборатория»"[:25])
    assert fields["60"] == "Osh"


def test_a_static_code_carries_no_amount(account):
    payload = emv_encode(
        account_number="118", bank_id="DEMIKG22", merchant_name="WCL", city="Osh", currency="KGS", amount=None
    )
    fields = emv_decode(payload)
    assert fields["01"] == "11" and "54" not in fields and fields["53"] == "417"
    usd = emv_decode(
        emv_encode(account_number="1", bank_id="B", merchant_name="W", city="O", currency="USD", amount=1234)
    )
    assert (usd["53"], usd["54"], usd["01"]) == ("840", "12.34", "12")


def test_the_encoder_refuses_what_the_format_cannot_carry():
    with pytest.raises(QRPayloadError):
        emv_encode(account_number="1" * 100, bank_id="B", merchant_name="W", city="O", currency="KGS")
    with pytest.raises(QRPayloadError):
        emv_encode(account_number="1", bank_id="B", merchant_name="W", city="O", currency="XXX")


def test_the_qr_image_decodes_to_the_payload(account):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    payload = qr.transfer_payload(account, 150_000, "KGS", "WCL-7K3F-9")
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="png", scale=6, border=4)
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(out.getvalue())))
    assert result.text == payload
    fields = emv_decode(result.text)
    assert fields["54"] == "1500.00" and tlv_fields(fields["62"])["05"] == "WCL-7K3F-9"


def test_staff_can_choose_the_national_format(app_ctx, account):
    from wcl.payments.forms import BankAccountForm

    assert "kg_emvco" in qr.QR_FORMATS
    with app_ctx.test_request_context():
        assert "kg_emvco" in [value for value, _label in BankAccountForm().qr_format.choices]
