#!/usr/bin/env python
"""`make validate`: `rasa data validate`, less the warnings about what Rasa cannot see.

Rasa's validator counts a response as used only when a story or rule utters it, and an intent
only when the NLU data has examples of it. Here many responses are uttered by custom actions
(`dispatcher.utter_message(response=...)`, also by names built from a prefix such as
`utter_empathy_{level}`), named in data files (`data/policies.yml`), asked by the form
(`utter_ask_<slot>`) or by Rasa's fallback (`utter_default`); and `EXTERNAL_` intents are triggered
by the servers, never typed. Those warnings are dropped; every other line is printed as Rasa
wrote it, so a response nothing uses is still reported. Extra arguments go to `rasa data validate`.
First the project's own check of every file designers edit (bot/config_check.py, the one the
servers run at start): its mistakes are printed, and Rasa's validator is not run until they are
fixed. Exit status: Rasa's, or 1 when a warning or a mistake is left.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: Where responses are uttered or named outside stories and rules.
USERS = ("actions", "bot", "rasa_ext", "channels")
USER_DATA = ("data/*.yml", "config/*.yml")
#: Responses Rasa's own actions utter.
RASA_RESPONSES = frozenset({"utter_default"})

UNUSED_RESPONSE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
EXTERNAL_INTENT = re.compile(r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found in the NLU")
WARNING = re.compile(r"UserWarning|ERROR")


@lru_cache(maxsize=None)
def _code_names() -> Tuple[FrozenSet[str], Tuple[str, ...]]:
    """Response names written out in the code and data files, and prefixes of names the code builds."""
    texts = [path.read_text(encoding="utf-8") for folder in USERS for path in (ROOT / folder).rglob("*.py")]
    texts += [path.read_text(encoding="utf-8") for pattern in USER_DATA for path in ROOT.glob(pattern)]
    names = frozenset(name for text in texts for name in re.findall(r"\butter_\w+", text))
    prefixes = tuple(sorted({prefix for text in texts
                             for prefix in re.findall(r"""f["'](utter_\w+?)\{""", text)}))
    return names, prefixes


def _form_asks(domain_path: Path) -> FrozenSet[str]:
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    asks = set()
    for form, spec in (domain.get("forms") or {}).items():
        for slot in (spec or {}).get("required_slots") or []:
            asks |= {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"}
    return frozenset(asks)


def used_outside_stories(response: str, domain_path: Path = ROOT / "domain.yml") -> bool:
    """Whether `response` is uttered by an action, named in data, asked by a form or by Rasa."""
    names, prefixes = _code_names()
    return (response in names or response.startswith(prefixes) or response in RASA_RESPONSES
            or response in _form_asks(domain_path))


def explained(line: str, domain_path: Path) -> bool:
    """Whether `line` is a warning about something Rasa's validator cannot see."""
    unused = UNUSED_RESPONSE.search(line)
    return bool(EXTERNAL_INTENT.search(line) or (unused and used_outside_stories(unused.group(1), domain_path)))


def _domain_path(args: Sequence[str]) -> Path:
    for flag in ("--domain", "-d"):
        if flag in args[:-1]:
            return Path(args[list(args).index(flag) + 1])
    return ROOT / "domain.yml"


def main(args: List[str]) -> int:
    from bot.config_check import check_config

    mistakes = check_config(ROOT)
    if mistakes:
        print("\n".join(f"- {mistake}" for mistake in mistakes), file=sys.stderr)
        return 1
    result = subprocess.run([sys.executable, "-m", "rasa", "data", "validate", *args], cwd=ROOT,
                            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    domain_path = _domain_path(args)
    # Rasa's warnings are coloured: a warning's escape code closes on the next line.
    lines = [line for line in result.stdout.splitlines() if not explained(line, domain_path)]
    print("\n".join(lines))
    left = [line for line in lines if WARNING.search(line)]
    if result.returncode == 0 and left:
        print(f"{len(left)} warning(s) left", file=sys.stderr)
        return 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
