"""The check-worthiness model: the seed's checkable sentences rank above the rest, the reasons are the
features that fired, the scorer is the one the training script evaluated, and who said what is found."""

import json

import pytest

from intake import checkworthiness as cw
from tests.intake.conftest import CHECKABLE, REPORT


def test_the_seeds_checkable_sentences_rank_above_the_rest():
    scores = {n: cw.model().score(text) for n, text in enumerate(REPORT, start=1)}
    ranked = sorted(scores, key=lambda n: -scores[n])
    assert set(ranked[: len(CHECKABLE)]) == CHECKABLE
    assert min(scores[n] for n in CHECKABLE) > max(scores[n] for n in scores if n not in CHECKABLE)


def test_scores_are_probabilities_and_deterministic():
    for text in REPORT:
        score = cw.model().score(text)
        assert 0 < score < 1
        assert cw.model().score(text) == score


def test_reasons_are_the_features_that_raised_the_score_with_what_fired_them():
    score, reasons = cw.explain(REPORT[10])  # Zaporizhzhia and Kherson
    assert round(score, 2) == round(cw.model().score(REPORT[10]), 2)
    found = {r.feature: r.detail for r in reasons}
    assert found["number"] == "700,000, 2022"
    assert found["negation"] == "no"
    assert found["entity"] == "Russia, Zaporizhzhia, Kherson, Moscow, November"
    assert all(r.weight > 0 for r in reasons)
    assert [r.weight for r in reasons] == sorted((r.weight for r in reasons), reverse=True)


def test_a_cue_that_lowers_the_score_is_never_given_as_a_reason():
    score, reasons = cw.explain("Thank you very much, thank you. Is that a question?")
    assert score < 0.2
    assert "courtesy" not in {r.feature for r in reasons}
    assert "question" not in {r.feature for r in reasons}


@pytest.mark.parametrize(
    ("sentence", "cue", "detail"),
    [
        ("Unemployment rose by 3.5 percent in 2023.", "amount", "percent"),
        ("We have more jobs than any other state.", "comparison", "more jobs than"),
        ("Crime fell because the police hired 500 officers.", "cause", "because"),
        ("If Kyiv withdraws, we will start talks.", "condition", "If"),
        ("The G7 summit met in Italy.", "entity", "G7, Italy"),
        ("He called it “a disaster” and left.", "quote", "“a disaster”"),
    ],
)
def test_cues_fire_on_what_they_name(sentence, cue, detail):
    assert ", ".join(cw.cue_matches(sentence)[cue]) == detail


@pytest.mark.parametrize(
    ("sentence", "absent"),
    [
        ("The G7 summit met in Italy.", "number"),  # a name, not a quantity
        ("Unity not only between Russia and Ukraine but also in Europe.", "superlative"),
        ("Unity not only between Russia and Ukraine but also in Europe.", "negation"),
        ("The United States states its position.", "attribution"),
    ],
)
def test_cues_do_not_fire_on_look_alikes(sentence, absent):
    assert absent not in cw.cue_matches(sentence)


def test_who_said_it():
    assert cw.sayer(REPORT[0]) == ("Russian President Vladimir Putin", "name")
    assert cw.sayer(REPORT[6]) == ("Mr. Putin", "name")
    assert cw.sayer(REPORT[8]) == ("the Kremlin", "name")
    assert cw.sayer("Prices rose, according to the Office for National Statistics.") == (
        "the Office for National Statistics",
        "name",
    )
    assert cw.sayer("The war is over, he said.") == ("he", "pronoun")
    assert cw.sayer(REPORT[7]) == ("", "")  # "on which he explicitly outlined": the report's own words
    assert cw.name_forms("Russian President Vladimir Putin") == [
        "Russian President Vladimir Putin",
        "Vladimir Putin",
        "Putin",
    ]


def test_a_surname_is_completed_from_an_earlier_full_name_and_he_is_the_last_speaker():
    forms = cw.attribute([REPORT[0], REPORT[2], "The war is over, he said.", REPORT[8], REPORT[7]])
    putin = ["Russian President Vladimir Putin", "Vladimir Putin", "Putin"]
    assert forms == [putin, putin, putin, ["Kremlin"], []]


def test_the_shipped_model_is_small_and_says_how_it_was_made():
    data = json.loads(cw.MODEL_PATH.read_text(encoding="utf-8"))
    assert cw.MODEL_PATH.stat().st_size < 20_000
    words = [name for name in data["weights"] if name.startswith("w:")]
    assert len(words) <= 400
    assert set(cw.CUE_NAMES) <= set(data["weights"])
    assert data["about"]["made_by"] == "bench/checkworthiness_train.py"
    assert data["about"]["cross_validated_map"] >= 0.17
    assert not any(word[2:] in cw.STOPWORDS for word in words)


def test_features_are_bounded():
    values = cw.features("I think NATO, the EU, the UN, the US and the UK said 1, 2, 3, 4 and 5 times more.")
    assert all(0 < v <= 1 for v in values.values())
    assert values["entity"] == 1.0
