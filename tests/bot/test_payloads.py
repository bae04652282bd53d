"""Intent shortcuts (bot/payloads.py): the assistant's own buttons and menus are offered
shortcuts, however their JSON is spaced; nothing else is."""
from __future__ import annotations

from bot.datafiles import load_yaml, repo_path
from bot.payloads import offered_shortcuts, remedy_payload, shortcut


def test_every_button_of_the_domain_and_every_remedy_choice_is_offered():
    domain = load_yaml(repo_path("domain.yml"))
    buttons = [b["payload"] for variants in domain["responses"].values() for v in variants
               for b in v.get("buttons") or ()]
    remedies = [remedy_payload(code) for code in load_yaml(repo_path("data/labels.yml"))["remedies"]]
    assert buttons and all(shortcut(p) in offered_shortcuts() for p in buttons + remedies)


def test_the_same_shortcut_spaced_differently_is_the_same():
    assert shortcut('/request_remedy{"remedy":"refund"}') == shortcut('/request_remedy{ "remedy" : "refund" }')


def test_text_that_is_no_shortcut_has_none():
    assert shortcut("耳机坏了") is None
    assert shortcut("/complain_quality{not json}") is None
    assert shortcut("/complain_quality 还有别的话") is None


def test_system_events_and_rasa_commands_are_not_offered():
    for text in ("/EXTERNAL_resolved", "/EXTERNAL_handed_back", "/restart", "/session_start", "/back"):
        assert shortcut(text) not in offered_shortcuts()
