#!/usr/bin/env python
"""`make validate`: the project's own checks, then `rasa data validate`, less what Rasa cannot see.

First the check of every file designers edit (bot/config_check.py, the one the servers run at
start); Rasa's validator runs only once its mistakes are fixed. Then the checks `rasa data
validate` runs (rasa/cli/utils.py `validate_files`), in this process, their warnings and errors
collected rather than printed in colour. Rasa counts a response as used only when a story or rule
utters it; here most are sent by the code, so a response counts as used when:
- a string in actions/, bot/, rasa_ext/, channels/, console/ or cli/ is its name (comments and
  docstrings do not count), or an f-string builds it from a prefix whose values are listed in
  `BUILT_NAMES` (`f"utter_handoff_{case.reason}"`: one per escalation reason);
- a value in data/ or config/*.yml is its name (`response: utter_plan_refund`, a rule's action);
- the form asks it (`utter_ask_<slot>`), or Rasa's own fallback sends it (`utter_default`).
The `EXTERNAL_` intents are triggered by the servers and have no examples. Every other warning is
a problem, printed as one line naming the file and the entry; so are the names the code sends that
domain.yml lacks. Nothing is coloured. Exit status 0 when there is no problem, else 1.
"""
from __future__ import annotations

import argparse
import ast
import logging
import os
import re
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: Where the code sends responses.
CODE_FOLDERS = ("actions", "bot", "rasa_ext", "channels", "console", "cli")
#: Where data names responses (rules and stories too: they count as senders, as for Rasa).
DATA_FILES = ("data/**/*.yml", "config/*.yml")
#: Responses Rasa's own actions send.
RASA_RESPONSES = {"utter_default": "Rasa's action_default_fallback"}
RESPONSE_NAME = re.compile(r"utter_\w+")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

UNUSED_RESPONSE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
EXTERNAL_INTENT = re.compile(r"The intent '(EXTERNAL_\w+)' is listed in the domain file, but is not found in the NLU")


def _anger_levels() -> Tuple[str, ...]:
    from bot.anger import AngerLevel

    return tuple(level.value for level in AngerLevel)


def _escalation_reasons() -> Tuple[str, ...]:
    from bot.escalation import REASONS

    return REASONS


#: Names the code builds from a prefix (an f-string): the values it fills in. A prefix missing here
#: is reported, so that a response nobody sends is never taken for one built at run time.
BUILT_NAMES: Dict[str, Callable[[], Tuple[str, ...]]] = {
    "utter_empathy_": _anger_levels,         # actions/empathy.py: the customer's anger level
    "utter_handoff_": _escalation_reasons,   # actions/handoff.py: why a person takes over
}


@dataclass(frozen=True)
class Use:
    """A response name (or, when `built`, a prefix) found at `where` (file:line or file)."""

    name: str
    where: str
    built: bool = False


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def code_uses(root: Path = ROOT) -> List[Use]:
    """Every response name a string in the code spells out, and every prefix an f-string builds
    one from (`f"utter_empathy_{level}"`); docstrings and comments do not count."""
    uses = []
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                          and node.body and isinstance(node.body[0], ast.Expr)
                          and isinstance(node.body[0].value, ast.Constant)}
            in_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                           for part in node.values}
            for node in ast.walk(tree):
                where = f"{_relative(path, root)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.JoinedStr) and node.values:
                    head = node.values[0]
                    if (isinstance(head, ast.Constant) and isinstance(head.value, str)
                            and re.fullmatch(r"utter_\w*", head.value) and len(node.values) > 1):
                        uses.append(Use(head.value, where, built=True))
                elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                      and id(node) not in docstrings and id(node) not in in_fstrings
                      and RESPONSE_NAME.fullmatch(node.value) and node.value != "utter_action"):
                    uses.append(Use(node.value, where))
    return uses


def _scalars(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for value in node.values():
            yield from _scalars(value)
    elif isinstance(node, list):
        for value in node:
            yield from _scalars(value)
    elif isinstance(node, str):
        yield node


def data_uses(root: Path = ROOT) -> List[Use]:
    """Every value in data/*.yml and config/*.yml that is a response name (comments do not count)."""
    return [Use(value, _relative(path, root))
            for pattern in DATA_FILES for path in sorted(root.glob(pattern))
            for value in _scalars(yaml.safe_load(path.read_text(encoding="utf-8")))
            if RESPONSE_NAME.fullmatch(value)]


def form_asks(domain: Mapping[str, Any]) -> Dict[str, str]:
    """The questions the forms ask: `utter_ask_<slot>` or `utter_ask_<form>_<slot>`."""
    asks = {}
    for form, spec in (domain.get("forms") or {}).items():
        for slot in (spec or {}).get("required_slots") or []:
            asks[f"utter_ask_{slot}"] = asks[f"utter_ask_{form}_{slot}"] = f"the form {form} (slot {slot})"
    return asks


@lru_cache(maxsize=None)
def _all_code_uses(root: Path) -> Tuple[Use, ...]:
    return tuple(code_uses(root))


def senders(domain: Mapping[str, Any], root: Path = ROOT) -> Dict[str, str]:
    """Every response sent outside stories and rules, and one place that sends it."""
    sent: Dict[str, str] = dict(RASA_RESPONSES)
    sent.update(form_asks(domain))
    for use in (*_all_code_uses(root), *data_uses(root)):
        if use.built:
            values = BUILT_NAMES.get(use.name)
            for value in values() if values else ():
                sent.setdefault(use.name + value, f"{use.where} (built for {value})")
        else:
            sent.setdefault(use.name, use.where)
    return sent


def code_problems(domain: Mapping[str, Any], domain_path: Path, root: Path = ROOT) -> List[str]:
    """Responses the code sends (or builds) that the domain lacks, and prefixes with no values."""
    responses = set(domain.get("responses") or {})
    problems = []
    for use in _all_code_uses(root):
        if not use.built and use.name not in responses:
            problems.append(f"{use.where}: sends {use.name!r}, which is not among domain.yml's responses. "
                            f"Fix: add it to {_relative(domain_path, root)} or correct the name.")
        elif use.built and use.name not in BUILT_NAMES:
            problems.append(f"{use.where}: builds response names from {use.name!r}, whose values "
                            f"scripts/validate.py does not know. Fix: add the prefix and where its values "
                            f"come from to BUILT_NAMES in scripts/validate.py.")
        elif use.built:
            problems += [f"{_relative(domain_path, root)}: responses: no {use.name + value!r}, which "
                         f"{use.where} sends for {value!r}. Fix: add it."
                         for value in BUILT_NAMES[use.name]() if use.name + value not in responses]
    return list(dict.fromkeys(problems))


@dataclass
class Findings:
    """What Rasa's validator reported: the explained warnings (by kind) and the problems."""

    explained: Dict[str, int]
    problems: List[str]


def plain(text: str) -> str:
    """`text` without terminal colour codes."""
    return ANSI.sub("", text)


def judge(messages: Sequence[str], domain: Mapping[str, Any], domain_path: Path,
          root: Path = ROOT) -> Findings:
    """Sort Rasa's messages into warnings about what it cannot see and problems (one line each)."""
    sent = senders(domain, root)
    explained: Dict[str, int] = {}
    problems = []
    shown_domain = _relative(domain_path, root)
    for message in (plain(m).strip() for m in messages):
        unused, external = UNUSED_RESPONSE.search(message), EXTERNAL_INTENT.search(message)
        if unused and unused.group(1) in sent:
            kind = "responses sent by the code, the data, the form or Rasa's fallback"
            explained[kind] = explained.get(kind, 0) + 1
        elif unused:
            problems.append(f"{shown_domain}: responses.{unused.group(1)}: no rule, story, action or data "
                            f"file sends it. Fix: use it (`- action: {unused.group(1)}` in a rule, or from "
                            f"an action), or remove it.")
        elif external:
            kind = "EXTERNAL_ intents (triggered by the servers, never typed)"
            explained[kind] = explained.get(kind, 0) + 1
        else:
            problems.append(f"rasa data validate: {' '.join(message.split())}")
    return Findings(explained, list(dict.fromkeys(problems)))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def rasa_messages(domain: Path, data: Sequence[str], config: Path,
                  max_history: Optional[int]) -> Tuple[bool, List[str]]:
    """Run the checks of `rasa data validate` here; (all good, every warning and error message)."""
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # Rasa's progress bars stay off
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    collect = _Collect()
    rasa_logger = logging.getLogger("rasa")
    rasa_logger.addHandler(collect)
    rasa_logger.propagate = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", UserWarning)
        from rasa.shared.importers.importer import TrainingDataImporter
        from rasa.utils.common import EXPECTED_WARNINGS
        for category, message in EXPECTED_WARNINGS:  # what Rasa's command line hides too
            warnings.filterwarnings("ignore", message=f".*{message}", category=category)
        from rasa.validator import Validator

        importer = TrainingDataImporter.load_from_config(
            domain_path=str(domain), training_data_paths=list(data), config_path=str(config))
        validator = Validator.from_importer(importer)
        results = [validator.verify_domain_validity(), validator.verify_actions_in_stories_rules(),
                   validator.verify_forms_in_stories_rules(), validator.verify_form_slots(),
                   validator.verify_slot_mappings(), validator.verify_nlu(True),
                   validator.verify_story_structure(True, max_history=max_history)]
        validator.warn_if_config_mandatory_keys_are_not_set()
    rasa_logger.removeHandler(collect)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return all(results), messages + collect.messages


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--domain", type=Path, default=ROOT / "domain.yml")
    parser.add_argument("--data", nargs="+", default=[str(ROOT / "data")])
    parser.add_argument("-c", "--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--max-history", type=int, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bot.config_check import check_config

    mistakes = check_config(ROOT)
    if mistakes:
        print("\n".join(f"- {plain(mistake)}" for mistake in mistakes))
        print(f"make validate: {len(mistakes)} mistake(s) in the project's files; Rasa's validator "
              f"runs once they are fixed.")
        return 1
    domain = yaml.safe_load(args.domain.read_text(encoding="utf-8")) or {}
    good, messages = rasa_messages(args.domain, args.data, args.config, args.max_history)
    findings = judge(messages, domain, args.domain)
    problems = findings.problems + code_problems(domain, args.domain)
    if problems:
        print("\n".join(f"- {problem}" for problem in problems))
    hidden = ", ".join(f"{n} about {kind}" for kind, n in sorted(findings.explained.items()))
    if problems or not good:
        print(f"make validate: {len(problems)} problem(s)" + ("" if good else "; Rasa's validator failed")
              + (f" (hidden: {hidden})" if hidden else ""))
        return 1
    print("make validate: no problems" + (f" (Rasa's warnings hidden: {hidden}; docs/conversation-design.md says why)"
                                          if hidden else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
