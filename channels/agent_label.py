"""How an agent's reply is marked for the customer, so that they can tell a person has taken over
from the assistant.

The console sends an agent's reply with the metadata {"agent": the agent's display name}
(`bot.app.handoffs.reply`); Rasa hands it to the output channel as the keyword `agent`. The label
is `agent_label` in config/channels.yml ("客服 {name}"): the web chat shows it above a bubble of
its own; WeChat and Telegram, plain text only, put it before the text ("客服 王芳：…"). An empty
`agent_label` marks nothing.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from bot.datafiles import load_yaml, repo_path

DEFAULT_LABEL = "客服 {name}"
MAX_NAME_CHARS = 32


def label_template() -> str:
    """`agent_label` of config/channels.yml (the default if absent)."""
    value = load_yaml(repo_path("config/channels.yml")).get("agent_label", DEFAULT_LABEL)
    return str(value or "")


def agent_label(message: Mapping[str, Any], template: Optional[str] = None) -> Optional[str]:
    """The label of an agent's message (`message` holds Rasa's keywords of an output, e.g. the
    metadata key `agent`), e.g. 客服 王芳; None for the assistant's own messages, or when the
    label is configured empty."""
    name = message.get("agent")
    if not isinstance(name, str) or not name.strip():
        return None
    template = label_template() if template is None else template
    if not template:
        return None
    return template.replace("{name}", name.strip()[:MAX_NAME_CHARS])


def signed(text: str, label: Optional[str]) -> str:
    """`text` after the label, as plain-text channels show an agent's reply: 客服 王芳：您好…"""
    return f"{label}：{text}" if label else text
