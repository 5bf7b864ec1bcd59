"""Validation of the domain model: every failure names the field and the reason."""

from __future__ import annotations

import time
from datetime import date

import pytest
from pydantic import ValidationError

from graph.model import EDGE_SPECS, Building, EdgeType, Incident, Label, Resident, validators
from graph.model.validators import id_check_code, normalise_phone, validate_id_number
from graph.records import NodeRef
from tests.factories import id_number


def errors_of(model: type, **values: object) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    return str(caught.value)


def test_id_check_code_matches_the_published_example() -> None:
    # The worked example of GB 11643-1999: 11010519491231002X.
    assert id_check_code("11010519491231002") == "X"
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_id_check_code_takes_seventeen_ascii_digits_only() -> None:
    for bad in ("1101051949123100", "1101051949123100٢", "1101051949123100X"):
        with pytest.raises(ValueError, match="17 digits"):
            id_check_code(bad)


def test_today_changes_at_local_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    """Date checks read a cached today; the cache must not outlive the day."""
    midnight = time.mktime((2031, 3, 9, 0, 0, 0, 0, 0, -1))
    clock = [midnight - 1.0]
    monkeypatch.setattr(validators.time, "time", lambda: clock[0])
    today = validators._Today()
    assert today() == date(2031, 3, 8)
    clock[0] = midnight - 0.001
    assert today() == date(2031, 3, 8)
    clock[0] = midnight
    assert today() == date(2031, 3, 9)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "checksum"),
        ("11010519491331002X", "not a real date"),
        ("1101051949123100", "17 digits"),
        ("110105299912310028", "out of range"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_id_number(value)


def test_resident_must_agree_with_its_id_number() -> None:
    good = id_number("19800215", male=False)
    resident = Resident(
        id="R1", name="李娜", gender="female", birth_date="1980-02-15", id_number=good
    )
    assert resident.id_number == good
    assert "birth_date" in errors_of(
        Resident, id="R1", name="李娜", gender="female", birth_date="1980-02-16", id_number=good
    )
    assert "gender" in errors_of(
        Resident, id="R1", name="李娜", gender="male", birth_date="1980-02-15", id_number=good
    )


def test_dates_that_do_not_exist_or_lie_ahead_are_refused() -> None:
    text = errors_of(Resident, id="R1", name="王芳", gender="female", birth_date="2023-02-30")
    assert "birth_date" in text
    assert "in the future" in errors_of(
        Resident, id="R1", name="王芳", gender="female", birth_date="2999-01-01"
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("010-12345678", "010-12345678"),
        ("057188886666", "0571-88886666"),
        ("0574-87654321-123", "0574-87654321-123"),
    ],
)
def test_phone_numbers_are_normalised(raw: str, normalised: str) -> None:
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["12345", "23812345678", "0574-123", "phone"])
def test_malformed_phones_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="mobile"):
        normalise_phone(raw)


def test_enumerations_and_unknown_fields_are_checked() -> None:
    assert "gender" in errors_of(
        Resident, id="R1", name="王芳", gender="unknown", birth_date="1990-01-01"
    )
    assert "tags.0" in errors_of(
        Resident, id="R1", name="王芳", gender="female", birth_date="1990-01-01", tags=["vip"]
    )
    assert "rental_risk_level" in errors_of(
        Building, id="B1", name="1栋", rental_risk_level="loose"
    )
    assert "Extra inputs" in errors_of(Building, id="B1", name="1栋", colour="red")


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_numbers_must_be_finite(number: float) -> None:
    incident = {"id": "I1", "category": "fire", "reported_at": "2026-01-01T08:00:00Z"}
    assert "last_reading\n  Input should be a finite number" in errors_of(
        Incident, **incident, last_reading=number
    )
    props = EDGE_SPECS[EdgeType.MENTIONS].props
    assert "confidence\n  Input should be a finite number" in errors_of(props, confidence=number)


def test_tags_are_deduplicated_and_sorted() -> None:
    resident = Resident(
        id="R1",
        name="王芳",
        gender="female",
        birth_date="1950-01-01",
        tags=["minor", "disabled", "minor"],
    )
    assert resident.tags == ["disabled", "minor"]


def test_ids_are_stable_source_keys() -> None:
    assert "id" in errors_of(Building, id="B 1", name="1栋")
    assert "id" in errors_of(Building, id="", name="1栋")


def test_timestamps_are_stored_in_utc() -> None:
    incident = Incident(id="I1", category="fire", reported_at="2026-05-01T08:00:00+08:00")
    assert incident.properties()["reported_at"] == "2026-05-01T00:00:00Z"
    naive = Incident(id="I2", category="fire", reported_at="2026-05-01 08:00:00")
    assert naive.properties()["reported_at"] == "2026-05-01T00:00:00Z"
    assert "deadline_at" in errors_of(
        Incident,
        id="I3",
        category="fire",
        reported_at="2026-05-01T08:00:00Z",
        deadline_at="2026-04-01T08:00:00Z",
    )


def test_every_relationship_names_its_endpoints() -> None:
    assert set(EDGE_SPECS) == set(EdgeType)
    assert EDGE_SPECS[EdgeType.MEMBER_OF].sources == {Label.RESIDENT}
    assert Label.BUILDING in EDGE_SPECS[EdgeType.OCCURRED_AT].targets


def test_global_node_ids_parse_or_explain() -> None:
    assert NodeRef.parse("Building:B1") == NodeRef(Label.BUILDING, "B1")
    with pytest.raises(ValueError, match="Label:id"):
        NodeRef.parse("B1")
    with pytest.raises(ValueError, match="unknown node label"):
        NodeRef.parse("Car:C1")


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_are_refused_in_nodes_and_relationships(character: str) -> None:
    with pytest.raises(ValidationError, match="name: contains the control character U\\+00"):
        Building(id="B1", name=f"幸福{character}里")
    with pytest.raises(ValidationError, match="room: contains the control character"):
        EDGE_SPECS[EdgeType.RESIDES_IN].validate_props({"room": f"10{character}1"})


def test_tabs_and_line_breaks_stay_in_texts() -> None:
    text = "3单元\t楼道\n有烟味\r\n请尽快处理"
    incident = Incident(
        id="I1", category="fire", reported_at="2026-11-20T08:00:00Z", description=text
    )
    assert incident.description == text
