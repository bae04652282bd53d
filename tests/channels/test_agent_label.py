"""How an agent's reply is marked for the customer (config/channels.yml `agent_label`)."""
from __future__ import annotations

from channels.agent_label import DEFAULT_LABEL, agent_label, label_template, signed


def test_an_agents_reply_is_labelled_with_their_name():
    assert agent_label({"agent": "王芳"}, "客服 {name}") == "客服 王芳"
    assert signed("您好", agent_label({"agent": " 王芳 "}, "客服 {name}")) == "客服 王芳：您好"


def test_the_assistants_own_messages_and_odd_metadata_get_no_label():
    for message in ({}, {"agent": ""}, {"agent": None}, {"agent": {"name": "王芳"}}, {"kind": "status"}):
        assert agent_label(message, "客服 {name}") is None
        assert signed("您好", agent_label(message, "客服 {name}")) == "您好"


def test_the_label_is_configurable_and_can_be_turned_off():
    assert agent_label({"agent": "王芳"}, "{name}（人工客服）") == "王芳（人工客服）"
    assert agent_label({"agent": "王芳"}, "") is None


def test_braces_in_a_name_are_text_not_placeholders():
    assert agent_label({"agent": "{name}{0}"}, "客服 {name}") == "客服 {name}{0}"


def test_the_shipped_label_is_the_default():
    assert label_template() == DEFAULT_LABEL == "客服 {name}"
