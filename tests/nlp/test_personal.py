"""ID and phone numbers in petition text, found and masked, on hand-written examples: valid
and mistyped ID numbers, mobiles with and without +86 and separators, landlines with their
area code; hotlines, prices, dates and order numbers left alone."""

from __future__ import annotations

from graph.model.personal_text import PersonalKind, masked, personal_spans
from tests.factories import id_number


def test_an_id_number_is_found_and_its_check_code_checked() -> None:
    number = id_number("19860214")
    text = f"我叫王某，身份证{number}，住光华路88号"
    [span] = personal_spans(text)
    assert text[span.start : span.end] == number
    assert span.kind == PersonalKind.ID_NUMBER and span.valid
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    [mistyped] = personal_spans(f"身份证号{wrong}")
    assert not mistyped.valid  # still personal: masked all the same
    assert masked(text) == f"我叫王某，身份证{number[:6]}********{number[-4:]}，住光华路88号"


def test_phones_are_found_in_the_ways_people_write_them() -> None:
    text = (
        "联系电话13812345678，或者+86 139-1234-5678，"
        "物业座机0591-87654321，也可以打（0591）88776655。"
    )
    spans = personal_spans(text)
    assert [text[s.start : s.end] for s in spans] == [
        "13812345678", "+86 139-1234-5678", "0591-87654321", "（0591）88776655",
    ]  # fmt: skip
    assert {s.kind for s in spans} == {PersonalKind.PHONE}
    assert masked("电话13812345678") == "电话138****5678"


def test_hotlines_prices_dates_and_order_numbers_are_not_personal() -> None:
    for text in (
        "拨打12345热线，110也打过",
        "物业费每月138元，2020年3月5日上午",
        "订单号2020031512345678901234",
        "编号A13812345678",
    ):
        assert personal_spans(text) == [], text
        assert masked(text) == text


def test_english_text_too() -> None:
    text = "Please call me at 13912345678 about the broken street light."
    [span] = personal_spans(text)
    assert masked(text) == "Please call me at 139****5678 about the broken street light."
    assert span.kind == PersonalKind.PHONE
