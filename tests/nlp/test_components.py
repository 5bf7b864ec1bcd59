"""The pipeline's parts on hand-written examples: language, dates, rules, English rules, the
nature a writer states, the classifier's file round trip, and the pipeline's refusals."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from nlp.classifier import LinearClassifier
from nlp.dates import date_spans
from nlp.english import english_category, english_entities
from nlp.incidents import category_of, severity_of
from nlp.language import Language, detect_language
from nlp.nature import nature_cue
from nlp.pipeline import Pipeline, TextError, check_text
from nlp.rules import rule_entities


def _texts(text: str, spans: list[tuple[int, int]] | list[tuple[int, int, str]]) -> list[str]:
    return [text[s[0] : s[1]] for s in spans]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("梅峰河很臭，请有关部门处理。", Language.CHINESE),
        ("The street light on Guanghua Road is broken.", Language.ENGLISH),
        ("Lift in Building 5 of 翠湖花园 broken again", Language.ENGLISH),
        ("小区门口的 LED 屏坏了", Language.CHINESE),
        ("Bonjour, la rue est sale", None),
        ("Привет, улица грязная", None),
        ("こんにちは、道路が壊れています", None),
        ("ABC123 XYZ-7", None),
    ],
)
def test_language(text: str, language: Language | None) -> None:
    assert detect_language(text) == language


def test_dates_and_times() -> None:
    text = "昨晚8点开始施工，2019年1月5日中午13点30分又来，3月5日上午停了，凌晨两点还在吵，稍好一点"
    assert _texts(text, date_spans(text)) == [
        "昨晚8点",
        "2019年1月5日中午13点30分",
        "3月5日上午",
        "凌晨两点",
    ]
    english = "It started last night at 8 pm and again on March 5, 2020."
    assert _texts(english, date_spans(english)) == ["last night", "8 pm", "March 5, 2020"]


def test_rules_find_shapes_of_names() -> None:
    text = "B3县教育局的王主任说，光华路88号的路灯和井盖都坏了，刘某也知道。"
    found = {(text[s:e], label) for s, e, label in rule_entities(text)}
    assert ("B3县教育局", "ORG") in found
    assert ("王主任", "PERSON") in found
    assert ("刘某", "PERSON") in found
    assert ("光华路88号", "PLACE") in found
    assert {("路灯", "FACILITY"), ("井盖", "FACILITY")} <= found
    # Flat: no two spans overlap.
    spans = sorted(rule_entities(text))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_english_rules_and_category() -> None:
    text = "Mr. Wang says the street lights at 12 Guanghua Road near Green Park are broken."
    found = {(text[s:e], label) for s, e, label in english_entities(text)}
    assert {("Mr. Wang", "PERSON"), ("street lights", "FACILITY")} <= found
    assert ("12 Guanghua Road", "PLACE") in found
    assert ("Green Park", "PLACE") in found
    assert english_category("Loud noise and dust every night from the factory") == ("环境保护", 1.0)
    assert english_category("Hello there") is None


@pytest.mark.parametrize(
    ("title", "text", "nature"),
    [
        ("咨询：梅峰污水处理厂何时完工？", "何时完工？", "CONSULTATION"),
        ("求助：两个部门进行对接", "请帮忙", "HELP"),
        ("实名举报某单位", "……", "REPORT"),
        ("", "感谢社区工作人员，为你们点赞！", "PRAISE"),
        ("", "感谢关注，但噪音扰民至今没有解决，希望尽快处理", None),
        ("Question about parking permits", "How do I apply?", "CONSULTATION"),
    ],
)
def test_stated_nature(title: str, text: str, nature: str | None) -> None:
    found = nature_cue(title, text)
    assert (found[0] if found else None) == nature


def test_incident_category_and_severity_cues() -> None:
    assert category_of("楼下停电三天了", "劳动和社会保障") == "power_outage"
    assert category_of("电梯困人，老人被关在里面", None) == "elevator_entrapment"
    assert category_of("河水黑臭", None) == "sanitation"
    assert category_of("社保卡怎么办理", "劳动和社会保障") is None
    assert category_of("道路规划不合理", "交通运输") == "traffic"
    assert severity_of("三楼着火了，有人被困") == "critical"
    assert severity_of("燃气漏气，很危险") == "high"
    assert severity_of("垃圾没人清理") == "medium"


def test_bad_texts_are_refused_with_their_reason() -> None:
    with pytest.raises(TextError, match="text: is empty"):
        check_text("   ")
    with pytest.raises(TextError, match="over the limit"):
        check_text("臭" * 20_001)
    with pytest.raises(TextError, match="no supported language"):
        check_text("Привет, улица грязная")
    with pytest.raises(TextError, match="must be a string"):
        check_text(12345)


def test_classifier_round_trip(tmp_path: Path) -> None:
    titles = ["", "", "", "", "", ""]
    texts = ["噪音扰民", "夜间施工噪音", "广场舞噪音", "社保缴费", "养老保险", "社保卡办理"]
    labels = ["环境保护"] * 3 + ["劳动和社会保障"] * 3
    model = LinearClassifier.train(titles, texts, labels)
    model.fit_temperature(titles, texts, labels)
    model.save(tmp_path / "model.npz")
    loaded = LinearClassifier.load(tmp_path / "model.npz")
    assert [label for label, _ in loaded.predict(["", ""], ["施工噪音", "养老社保"])] == [
        "环境保护",
        "劳动和社会保障",
    ]
    assert all(0.5 < confidence <= 1.0 for _, confidence in loaded.predict([""], ["噪音"]))


def test_committed_pipeline_extracts_and_keeps_personal_numbers_out() -> None:
    pipeline = Pipeline.load()
    text = "东光花园2号楼的电梯又坏了，请尽快处理。联系电话13912345678，身份证110101199003074578。"
    (found,) = pipeline.extract([text], ["电梯故障"])
    assert found.language == Language.CHINESE
    assert [text[p.start : p.end] for p in found.personal] == ["13912345678", "110101199003074578"]
    for entity in found.entities:  # no entity spans a personal number
        assert not any(entity.start < p.end and p.start < entity.end for p in found.personal)
    assert ("电梯", "FACILITY") in {(e.text, e.label) for e in found.entities}
    assert found.category is not None and found.category[0] in {
        "城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "卫生计生", "环境保护", "交通运输"
    }  # fmt: skip
    english = pipeline.extract(["The street light on Guanghua Road is broken, please fix it."])
    assert english[0].language == Language.ENGLISH
    assert ("street light", "FACILITY") in {(e.text, e.label) for e in english[0].entities}


def test_change_events_carry_petition_words_masked() -> None:
    from events.change import public_values

    props = {"text": "我的电话13912345678，请回电", "title": "身份证110101199003074578丢了"}
    values = public_values("Petition", props, None)
    assert values is not None
    assert values["text"] == "我的电话139****5678，请回电"
    assert "110101199003074578" not in values["title"]
    written = public_values("Petition", props, ["text"])
    assert written == {"text": "我的电话139****5678，请回电"}
