"""Every sentence in domain.yml and data/labels.yml keeps the playbook's tone in both scripts."""
from pathlib import Path

import pytest
import yaml

from bot.labels import load_labels
from bot.script import to_traditional
from bot.tone import find_forbidden

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def _response_texts():
    for name, variations in DOMAIN["responses"].items():
        for index, variation in enumerate(variations):
            yield f"{name}[{index}]", variation.get("text", "")
            for button in variation.get("buttons", []):
                yield f"{name}[{index}] button", button["title"]


@pytest.mark.parametrize("where, text", list(_response_texts()))
def test_no_forbidden_phrase_in_any_response_in_either_script(where, text):
    assert find_forbidden(text) == [], where
    assert find_forbidden(to_traditional(text)) == [], where


def test_no_forbidden_phrase_in_labels():
    labels = load_labels()
    texts = [*labels.categories.values(), *labels.remedies.values(), *labels.statuses.values(),
             labels.contact_here, labels.unknown]
    assert all(find_forbidden(text) == [] for text in texts)


def test_every_complaint_response_apologises_or_empathises_before_asking():
    # Feelings first: each empathy variation acknowledges the trouble.
    for level in ("calm", "upset", "angry"):
        for variation in DOMAIN["responses"][f"utter_empathy_{level}"]:
            assert any(word in variation["text"] for word in ("抱歉", "道歉", "理解")), variation
    for name, variations in DOMAIN["responses"].items():
        if name.startswith("utter_empathy_"):
            assert all(any(word in v["text"] for word in ("抱歉", "道歉", "理解")) for v in variations), name


def test_policy_responses_name_the_actions_that_fill_them():
    policies = yaml.safe_load((ROOT / "data/policies.yml").read_text(encoding="utf-8"))
    named = [row["response"] for row in policies["remedies"].values()]
    named += [row["response"] for row in policies["questions"].values()]
    assert set(named) <= set(DOMAIN["responses"])


def test_a_safety_reply_fits_whether_someone_is_hurt():
    """Someone already hurt: wishes for recovery, records to keep, a colleague contacts them; no
    "if someone is hurt". A risk: stop using it, away from children (issue 15)."""
    [hurt] = DOMAIN["responses"]["utter_handoff_safety_hurt"]
    assert all(word in hurt["text"] for word in ("好起来", "病历", "主动联系您"))
    assert "如果有人受伤" not in hurt["text"]
    [risk] = DOMAIN["responses"]["utter_handoff_safety"]
    assert all(word in risk["text"] for word in ("停止使用", "孩子"))
    # A hazard in a place: keep away from it and say where, not "stop using it".
    [place] = DOMAIN["responses"]["utter_handoff_safety_place"]
    assert all(word in place["text"] for word in ("远一点", "位置")) and "停止使用" not in place["text"]


def test_a_warm_close_asks_nothing_more():
    for variation in DOMAIN["responses"]["utter_nothing_else"]:
        assert "？" not in variation["text"] and "吗" not in variation["text"], variation


def test_a_declined_plan_is_apologised_for_and_offers_a_person():
    [offer] = DOMAIN["responses"]["utter_plan_alternatives"]
    assert "抱歉" in offer["text"] and "同事" in offer["text"]
    [person] = DOMAIN["responses"]["utter_plan_to_person"]
    assert all(part in person["text"] for part in ("抱歉", "{complaint_id}", "{contact_time}"))


def test_the_out_of_scope_reply_says_what_it_cannot_see_and_what_it_can_do():
    """A desk customer asking when their parcel ships learns that the assistant sees no orders,
    where the answer is, and that a problem is welcome (issue 14's desk chats)."""
    for variation in DOMAIN["responses"]["utter_out_of_scope"]:
        text = variation["text"]
        assert "订单" in text and "物流" in text, text
        assert "告诉我" in text or "跟我说" in text, text
