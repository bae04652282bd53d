"""A temporary copy of the designers' files (domain.yml, data/, config/), to edit in tests."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import yaml

from bot.settings import REPO_ROOT

#: A category a designer adds: its key, label, intent and a few customer messages.
NEW_CATEGORY = "packaging"
NEW_LABEL = "包装破损问题"
NEW_INTENT = "complain_packaging"
NEW_EXAMPLES = ("快递盒子都压扁了，里面的东西也碎了", "包装破破烂烂的", "收到的时候外包装全湿了",
                "盒子被压坏了", "包装太简陋，东西磕坏了")
#: A remedy a designer adds: its key, label and the response stating its plan.
NEW_REMEDY = "store_credit"
NEW_REMEDY_LABEL = "店铺代金券"
NEW_REMEDY_PLAN = "utter_plan_store_credit"


def copy_config(root: Path) -> Path:
    """Copy domain.yml, data/ and config/ under `root`; return `root`."""
    shutil.copy(REPO_ROOT / "domain.yml", root / "domain.yml")
    shutil.copytree(REPO_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("jieba"))
    shutil.copytree(REPO_ROOT / "config", root / "config")
    return root


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    """Load `path`, let `change` edit the data in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_category_label(root: Path) -> None:
    """The category's label in data/labels.yml (the first of the three places)."""
    edit_yaml(root / "data/labels.yml", lambda labels: labels["categories"].update({NEW_CATEGORY: NEW_LABEL}))


def add_category(root: Path) -> None:
    """The whole category, as a designer adds it: label, domain intent and slot value, examples."""
    add_category_label(root)

    def domain(data: Any) -> None:
        data["intents"].append(NEW_INTENT)
        slot = data["slots"]["complaint_category"]
        slot["values"].append(NEW_CATEGORY)
        slot["mappings"].append({"type": "from_intent", "intent": NEW_INTENT, "value": NEW_CATEGORY})
        data["responses"]["utter_ask_complaint_category"][0]["buttons"].insert(
            -1, {"title": "包装", "payload": f"/{NEW_INTENT}"})

    def rules(data: Any) -> None:
        opening = next(rule for rule in data["rules"] if rule["rule"].startswith("a complaint opens"))
        opening["steps"][0]["or"].append({"intent": NEW_INTENT})

    edit_yaml(root / "domain.yml", domain)
    edit_yaml(root / "data/rules.yml", rules)
    examples = "".join(f"      - {text}\n" for text in NEW_EXAMPLES)
    (root / "data/nlu/packaging.yml").write_text(
        f'version: "3.1"\nnlu:\n  - intent: {NEW_INTENT}\n    examples: |\n{examples}', encoding="utf-8")


def add_remedy_label(root: Path) -> None:
    """The remedy's label in data/labels.yml (the first of the three places)."""
    edit_yaml(root / "data/labels.yml", lambda labels: labels["remedies"].update({NEW_REMEDY: NEW_REMEDY_LABEL}))


def add_remedy(root: Path) -> None:
    """The whole remedy, as a designer adds it: label, plan, slot value, button and response."""
    add_remedy_label(root)
    edit_yaml(root / "data/policies.yml", lambda policies: policies["remedies"].update(
        {NEW_REMEDY: {"response": NEW_REMEDY_PLAN, "working_days": 3}}))

    def domain(data: Any) -> None:
        data["slots"]["desired_remedy"]["values"].append(NEW_REMEDY)
        data["responses"]["utter_ask_desired_remedy"][0]["buttons"].append(
            {"title": "代金券", "payload": f'/request_remedy{{"remedy": "{NEW_REMEDY}"}}'})
        data["responses"][NEW_REMEDY_PLAN] = [
            {"text": "专员会在{first_response_due}前联系您，{remedy_due}前把代金券发给您。"}]

    edit_yaml(root / "domain.yml", domain)
