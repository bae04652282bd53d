"""The import rules of docs/architecture.md ("Layout"), read from the source with `ast`: the core
(bot/) imports no framework and no adapter; no adapter imports another; SQL stays in the storage
modules."""
from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Set

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import train_if_changed  # noqa: E402  (scripts/)

#: The adapters: each translates between the core and one outside world.
ADAPTERS = ("actions", "channels", "console", "worker")
#: Started by Python only, never imported: the CLI launches adapters, the alias runs the CLI.
LAUNCHERS = ("cli", "bot/__main__.py")
FRAMEWORKS = ("rasa", "rasa_sdk", "sanic")

#: The only modules that may import sqlalchemy.
SQL_SPEAKERS = {
    "bot/storage/",  # the models, the migrations and every query
    "rasa_ext/tracker_store.py",  # Rasa's own SQL tracker store, tuned
}


def imported(source: str) -> Set[str]:
    """Every module an import statement of `source` names (top level, inside functions or
    TYPE_CHECKING blocks alike), as dotted names."""
    names: Set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def modules(*parts: str) -> Dict[str, Set[str]]:
    """The imports of every Python file under `parts` (directories or files), by relative path."""
    found: Dict[str, Set[str]] = {}
    for part in parts:
        path = ROOT / part
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            found[file.relative_to(ROOT).as_posix()] = imported(file.read_text(encoding="utf-8"))
    return found


def violations(imports: Dict[str, Set[str]], forbidden: Iterable[str]) -> List[str]:
    """`file imports module` for each import of a forbidden package (or one of its submodules)."""
    banned = tuple(forbidden)
    return sorted(f"{file} imports {name}" for file, names in imports.items() for name in names
                  if name.split(".")[0] in banned)


def _launcher(file: str) -> bool:
    return any(file == launcher or file.startswith(launcher + "/") for launcher in LAUNCHERS)


def test_the_checker_sees_imports_inside_functions_and_from_submodules():
    source = "def run():\n    from channels.telegram.inbound import parse\nimport sanic.response\nfrom . import x\n"
    assert violations({"bot/x.py": imported(source)}, ["channels", "sanic"]) == [
        "bot/x.py imports channels.telegram.inbound", "bot/x.py imports sanic.response"]


def test_the_core_imports_no_framework_and_no_adapter():
    core = {file: names for file, names in modules("bot").items() if not _launcher(file)}
    assert violations(core, FRAMEWORKS + ADAPTERS + ("cli", "rasa_ext")) == []


def test_no_adapter_imports_another_or_the_launchers():
    found = []
    for adapter in ADAPTERS:
        part = adapter if (ROOT / adapter).is_dir() else f"{adapter}.py"
        others = [other for other in ADAPTERS if other != adapter]
        found += violations(modules(part), others + ["cli", "rasa_ext"])
    assert found == []


def test_rasa_extensions_import_only_the_core_and_rasa():
    assert violations(modules("rasa_ext"), ADAPTERS + ("cli",)) == []


def test_only_the_storage_modules_speak_sql():
    everything = modules("bot", "rasa_ext", "cli", "worker.py", *[a for a in ADAPTERS if a != "worker"])
    speakers = {file for file, names in everything.items() if any(n.split(".")[0] == "sqlalchemy" for n in names)}
    allowed = {file for file in speakers if any(file == s or (s.endswith("/") and file.startswith(s))
                                                for s in SQL_SPEAKERS)}
    assert speakers - allowed == set()


def test_no_chat_platform_imports_another():
    platforms = ("wechat", "telegram")
    found = []
    for platform in platforms:
        for file, names in modules(f"channels/{platform}").items():
            found += [f"{file} imports {name}" for name in sorted(names)
                      if any(name == f"channels.{other}" or name.startswith(f"channels.{other}.")
                             for other in platforms if other != platform)]
    assert found == []


def _module_file(name: str) -> str:
    path = name.replace(".", "/")
    return f"{path}/__init__.py" if (ROOT / path).is_dir() else f"{path}.py"


def test_every_core_module_the_trained_components_import_names_a_new_model_or_is_run_time_only():
    """A change to a core module the pipeline learns or reads messages through (the complaint
    layer cuts clauses by bot.lexicon's punctuation) names a new model, or the models kept by
    name (tests, the run command, check-nlu's baselines) would be read by other rules than
    those they were measured with."""
    components = [entry for entry in train_if_changed.INPUTS if entry.startswith("rasa_ext/")]
    core = {_module_file(name) for file in components for name in modules(file)[file] if name.split(".")[0] == "bot"}
    assert core, "the trained components import nothing of the core: this check would pass vacuously"
    assert sorted(core - set(train_if_changed.INPUTS) - set(train_if_changed.RUN_TIME_ONLY)) == []
