"""Checking the files designers edit (domain.yml, data/, config/) before a server starts.

`check_config` reads every file with the loader the servers use, checks the numbers in config/ and
what files must agree on (a category in data/labels.yml needs its slot value, intent, examples and
rule; a remedy there needs its plan in data/policies.yml and its slot value; a policy names
responses that exist), and returns every problem as one line naming the file, the entry and the
fix. The servers call `require_valid_config` and refuse to start on a problem:
the files are read once per process, so a change needs a restart, and a mistake is found then
rather than by a customer.

An intent is checked across files too: each intent of the NLU data is in domain.yml, has examples
and is in a rule or story (else the assistant answers it with `utter_default`). During the form,
an intent a rule answers is answered by it (bot.dialogue); any other message goes to the form,
which takes it for what it is.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator, List, Mapping, Sequence
from zoneinfo import ZoneInfo

import yaml

from bot.answers import load_answer_rules
from bot.anger import fallback_limit, load_anger_model
from bot.datafiles import ConfigError, load_yaml, shown_path
from bot.dialogue import dialogue_blocks, step_intents
from bot.empathy import load_empathy_rules
from bot.escalation import load_escalation_config
from bot.files import load_file_limits
from bot.handoff import load_handoff_settings
from bot.job_handlers import load_lease
from bot.labels import load_labels
from bot.policies import load_policies
from bot.responses import load_responses
from bot.settings import DEFAULT_TIMEZONE, REPO_ROOT
from bot.surveys import load_survey_settings
from bot.tone import load_forbidden_phrases

#: How a number's key (or its parent's) says its unit: suffix or prefix -> unit named in the error.
UNIT_SUFFIXES = {"_seconds": "seconds", "_minutes": "minutes", "_hours": "hours", "_days": "days",
                 "_chars": "characters", "_bytes": "bytes", "_size": "connections",
                 "retries": "retries", "_at_most": "points"}
UNIT_PREFIXES = {"per_": "attempts", "minutes_": "minutes"}
#: Keys that read like a quantity but hold something else.
NOT_QUANTITIES = ("working_hours",)
#: Files whose numbers are all quantities in `UNITS`.
NUMBER_FILES = ("config/channels.yml", "config/console.yml", "config/files.yml", "config/handoff.yml",
                "config/jobs.yml", "config/surveys.yml")
CATEGORY_SLOT = "complaint_category"
CATEGORY_QUESTION = "utter_ask_complaint_category"
REMEDY_SLOT = "desired_remedy"
REMEDY_QUESTION = "utter_ask_desired_remedy"
MIN_EXAMPLES = 5
#: Intents triggered by the servers (never typed, so without examples) start with this.
EXTERNAL_PREFIX = "EXTERNAL_"
OPENING_RULE = "a complaint opens with empathy"


def check_config(root: Path = REPO_ROOT) -> List[str]:
    """Every problem in the configuration under `root`, one line each (empty when all is well)."""
    tz = ZoneInfo(DEFAULT_TIMEZONE)
    loaders: Sequence[tuple[str, Callable[[Path], Any]]] = (
        ("data/labels.yml", _check_labels),
        ("data/policies.yml", load_policies),
        ("data/empathy.yml", load_empathy_rules),
        ("data/forbidden_phrases.yml", load_forbidden_phrases),
        ("domain.yml", load_responses),
        ("config/escalation.yml", load_escalation_config),
        ("config/escalation.yml", load_anger_model),
        ("config/escalation.yml", fallback_limit),
        ("config/handoff.yml", lambda path: load_handoff_settings(tz, path)),
        ("config/surveys.yml", load_survey_settings),
        ("config/jobs.yml", load_lease),
        ("config/answers.yml", load_answer_rules),
        ("config/files.yml", load_file_limits),
    )
    errors = [error for path in _yaml_files(root) for error in _syntax_errors(path)]
    if errors:  # the other checks would only repeat these
        return errors
    for relative in NUMBER_FILES:
        errors += _number_errors(root / relative)
    for relative, loader in loaders:
        errors += _attempt(root / relative, loader)
    if not errors:  # agreement between files is only meaningful once each file reads
        errors += _attempt(root / "domain.yml", lambda _: _category_errors(root))
        errors += _attempt(root / "data/labels.yml", lambda _: _remedy_errors(root))
        errors += _attempt(root / "data/policies.yml", lambda _: _policy_response_errors(root))
        errors += _attempt(root / "domain.yml", lambda _: _intent_errors(root))
    return list(dict.fromkeys(errors))


def _yaml_files(root: Path) -> List[Path]:
    return [root / "domain.yml", *sorted((root / "data").rglob("*.yml")), *sorted((root / "config").glob("*.yml"))]


def _syntax_errors(path: Path) -> List[str]:
    try:
        load_yaml(path)
    except OSError as error:
        return [f"{shown_path(path)}: cannot be read ({error.strerror}). Fix: restore the file."]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        problem = getattr(error, "problem", None) or "not valid YAML"
        return [f"{shown_path(path)}: {where}: {problem}. Fix: correct the indentation, the colon or "
                f"the quotes there (compare with the lines around it)."]
    return []


def _attempt(path: Path, check: Callable[[Path], Any]) -> List[str]:
    """The errors `check(path)` returns (when it returns a list), or the one it raises, as lines
    naming the file."""
    try:
        result = check(path)
        return result if isinstance(result, list) else []
    except ConfigError as error:
        return [str(error)]
    except KeyError as error:
        return [f"{shown_path(path)}: {error.args[0]}: missing. Fix: add it (the file's comments "
                f"and its version in git show the form)."]
    except (ValueError, TypeError, AttributeError, OSError) as error:
        message = str(error)
        return [message if shown_path(path) in message else f"{shown_path(path)}: {message}"]


def require_valid_config(root: Path = REPO_ROOT) -> None:
    """Raise `SystemExit` listing every problem, so that a server does not start on bad data."""
    errors = check_config(root)
    if errors:
        raise SystemExit("The configuration has mistakes; nothing was started. Fix these and start "
                         "again:\n" + "\n".join(f"- {error}" for error in errors))


def _check_labels(path: Path) -> None:
    raw = load_yaml(path)
    for section in ("categories", "remedies", "statuses"):
        rows = raw.get(section) if isinstance(raw, Mapping) else None
        if not isinstance(rows, Mapping) or not rows:
            raise ConfigError(path, section, "missing or empty", f"list each {section[:-1]} as `key: label`")
        for key, label in rows.items():
            if not isinstance(label, str) or not label.strip():
                raise ConfigError(path, f"{section}.{key}", f"expected the label the customer reads, "
                                  f"got {label!r}", f"write e.g. `{key}: 商品质量问题`")
    if "other" not in raw["categories"]:
        raise ConfigError(path, "categories", "there is no `other` category (for anything else)",
                          "add `other: 其他问题`")
    load_labels(path)


def _number_errors(path: Path) -> List[str]:
    try:
        raw = load_yaml(path)
    except OSError as error:
        return [f"{shown_path(path)}: cannot be read ({error}). Fix: restore the file."]
    return [str(ConfigError(path, entry, f"expected a number of {unit}, got {value!r}",
                            "write a number, e.g. 30"))
            for entry, unit, value in _quantities(raw, "", None)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0]


def _quantities(node: Any, entry: str, unit: str | None) -> Iterator[tuple[str, str, Any]]:
    """(entry, unit, value) for each leaf whose key, or an enclosing key, names a unit."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            key = str(key)
            if key in NOT_QUANTITIES:
                continue
            own = next((name for suffix, name in UNIT_SUFFIXES.items() if key.endswith(suffix)), None)
            own = own or next((name for prefix, name in UNIT_PREFIXES.items() if key.startswith(prefix)), None)
            yield from _quantities(value, f"{entry}.{key}" if entry else key, own or unit)
    elif unit is not None and not isinstance(node, list):
        yield entry, unit, node


def _category_errors(root: Path) -> List[str]:
    """A category of data/labels.yml is a slot value, an intent with examples and the rule that
    opens a complaint, and a button of the category question (domain.yml, data/)."""
    labels, domain = root / "data/labels.yml", root / "domain.yml"
    categories = list(load_yaml(labels)["categories"])
    raw = load_yaml(domain)
    slot = (raw.get("slots") or {}).get(CATEGORY_SLOT) or {}
    values = [str(value) for value in slot.get("values") or []]
    intents = {str(intent) for intent in raw.get("intents") or []}
    by_category = {mapping.get("value"): mapping.get("intent") for mapping in slot.get("mappings") or []
                   if mapping.get("type") == "from_intent"}
    buttons = {button.get("payload") for variant in (raw.get("responses") or {}).get(CATEGORY_QUESTION) or []
               for button in variant.get("buttons") or []}
    examples = _nlu_examples(root)
    rules = (root / "data/rules.yml").read_text(encoding="utf-8")
    slot_entry = f"slots.{CATEGORY_SLOT}"
    errors = [str(ConfigError(domain, f"{slot_entry}.values", f"{value!r} has no label in data/labels.yml",
                              f"add `{value}: <label>` under categories in data/labels.yml, or remove it"))
              for value in values if value not in categories]
    for category in categories:
        intent = by_category.get(category) or f"complain_{category}"
        problems = [
            (category not in values, domain, f"{slot_entry}.values", f"no {category!r}",
             f"add {category} to the list"),
            (category not in by_category, domain, f"{slot_entry}.mappings", f"nothing sets {category!r}",
             f"add `- {{type: from_intent, intent: {intent}, value: {category}}}`"),
            (intent not in intents, domain, "intents", f"no {intent!r} (category {category})",
             f"add `- {intent}`"),
            (category != "other" and examples.get(intent, 0) < MIN_EXAMPLES, root / "data/nlu",
             f"intent {intent}", f"{examples.get(intent, 0)} examples (category {category})",
             f"add at least {MIN_EXAMPLES} customer messages under `- intent: {intent}`"),
            (f"intent: {intent}" not in rules, root / "data/rules.yml", "a complaint opens with empathy",
             f"{intent} does not start a complaint", f"add `- intent: {intent}` to the rule's `or:`"),
            (f"/{intent}" not in buttons, domain, f"responses.{CATEGORY_QUESTION}.buttons",
             f"no button for {category!r}", f"add `- {{title: ..., payload: \"/{intent}\"}}`"),
        ]
        errors += [str(ConfigError(path, entry, problem, fix))
                   for wrong, path, entry, problem, fix in problems if wrong]
    return errors


def _nlu_examples(root: Path) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for _, intent, lines in _nlu_items(root):
        counts[intent] = counts.get(intent, 0) + lines
    return counts


def _nlu_items(root: Path) -> Iterator[tuple[Path, str, int]]:
    """(file, intent, number of examples) for each `- intent:` block of data/nlu (reviewed/ too)."""
    for path in sorted((root / "data/nlu").rglob("*.yml")):
        for item in (load_yaml(path) or {}).get("nlu") or []:
            if isinstance(item, Mapping) and "intent" in item:
                lines = [line for line in str(item.get("examples") or "").splitlines() if line.strip()]
                yield path, str(item["intent"]), len(lines)


def _intent_names(raw: Mapping[str, Any]) -> List[str]:
    """domain.yml's intents, written `- name` or `- name: {use_entities: ...}`."""
    return [str(next(iter(intent))) if isinstance(intent, Mapping) else str(intent)
            for intent in raw.get("intents") or []]


def _intent_errors(root: Path) -> List[str]:
    """Every intent is declared, has examples, and is answered in and out of the form (see the
    module's docstring); the category intents are `_category_errors`' part."""
    domain = root / "domain.yml"
    raw = load_yaml(domain)
    declared = _intent_names(raw)
    category_mappings = ((raw.get("slots") or {}).get(CATEGORY_SLOT) or {}).get("mappings") or []
    categories = {str(m.get("intent")) for m in category_mappings
                  if isinstance(m, Mapping) and m.get("type") == "from_intent"}
    categories |= {f"complain_{key}" for key in (load_yaml(root / "data/labels.yml") or {}).get("categories") or {}}
    examples = _nlu_examples(root)
    errors = [str(ConfigError(path, f"intent {intent}", "not among domain.yml's intents, so the assistant "
                              "never hears it", f"add `- {intent}` under intents in domain.yml"))
              for path, intent, _ in _nlu_items(root) if intent not in declared]
    in_dialogue = {intent for _, _, block in dialogue_blocks(root)
                   for step in block.get("steps") or [] for intent in step_intents(step)}
    for intent in declared:
        if intent in categories:
            continue
        if not intent.startswith(EXTERNAL_PREFIX) and not examples.get(intent):
            errors.append(str(ConfigError(domain, f"intents.{intent}", "no examples in data/nlu",
                                          f"add customer messages under `- intent: {intent}` in a file of "
                                          f"data/nlu, or remove the intent")))
        if intent not in in_dialogue:
            errors.append(str(ConfigError(
                domain, f"intents.{intent}", "no rule or story in data/ mentions it, so the assistant "
                "would answer it with utter_default (“这一步我没跟上”)",
                f"add `- intent: {intent}` to the `or:` of the rule “{OPENING_RULE}, then the form” in "
                f"data/rules.yml if it opens a complaint, else give it a rule of its own")))
    return errors


def _remedy_errors(root: Path) -> List[str]:
    """The remedies of data/labels.yml are the remedy plans of data/policies.yml and the values of
    the `desired_remedy` slot (domain.yml); its buttons offer only those."""
    labels, policies, domain = root / "data/labels.yml", root / "data/policies.yml", root / "domain.yml"
    remedies = list(load_labels(labels).remedies)
    plans = list(load_policies(policies).remedies)
    raw = load_yaml(domain)
    values = [str(value) for value in ((raw.get("slots") or {}).get(REMEDY_SLOT) or {}).get("values") or []]
    offered = [_button_remedy(button.get("payload"))
               for variant in (raw.get("responses") or {}).get(REMEDY_QUESTION) or []
               for button in variant.get("buttons") or []]
    values_entry = f"slots.{REMEDY_SLOT}.values"
    unlabelled = [(policies, f"remedies.{name}", name) for name in plans if name not in remedies]
    unlabelled += [(domain, values_entry, value) for value in values if value not in remedies]
    unlabelled += [(domain, f"responses.{REMEDY_QUESTION}.buttons", remedy)
                   for remedy in offered if remedy is not None and remedy not in remedies]
    errors = [str(ConfigError(path, entry, f"{remedy!r} has no label in data/labels.yml",
                              f"add `{remedy}: <label>` under remedies in data/labels.yml, or remove it"))
              for path, entry, remedy in unlabelled]
    errors += [str(ConfigError(policies, "remedies", f"no plan for {remedy!r} (a remedy in data/labels.yml)",
                               f"add `{remedy}: {{response: utter_plan_{remedy}, working_days: 3}}` "
                               f"(the response in domain.yml)"))
               for remedy in remedies if remedy not in plans]
    errors += [str(ConfigError(domain, values_entry, f"no {remedy!r} (a remedy in data/labels.yml)",
                               f"add {remedy} to the list"))
               for remedy in remedies if remedy not in values]
    alternatives = load_yaml(policies).get("alternatives") or {}
    errors += [str(ConfigError(policies, f"alternatives.{name}", f"{name!r} is not a remedy of `remedies`",
                               f"name one of {', '.join(plans)}"))
               for name in alternatives if name not in plans]
    errors += [str(ConfigError(policies, f"alternatives.{name}", f"{other!r} is not a remedy of `remedies`",
                               f"name some of {', '.join(plans)}"))
               for name, others in alternatives.items() for other in others or () if other not in plans]
    return errors


def _button_remedy(payload: Any) -> str | None:
    """The remedy a button's payload sets (`/request_remedy{"remedy": "refund"}`), if any."""
    match = re.search(r'"remedy"\s*:\s*"([^"]*)"', str(payload or ""))
    return match.group(1) if match else None


def _policy_response_errors(root: Path) -> List[str]:
    """Every response data/policies.yml names is in domain.yml."""
    path = root / "data/policies.yml"
    policies = load_policies(path)
    responses = set(load_yaml(root / "domain.yml").get("responses") or {})
    rows = [(f"remedies.{name}", plan.response) for name, plan in policies.remedies.items()]
    rows += [(f"questions.{topic}", answer.response) for topic, answer in policies.questions.items()]
    return [str(ConfigError(path, f"{entry}.response", f"no response {response!r} in domain.yml",
                            "add it to domain.yml's responses, or correct the name"))
            for entry, response in rows if response not in responses]


if __name__ == "__main__":
    require_valid_config()
    print("The configuration is fine.")
