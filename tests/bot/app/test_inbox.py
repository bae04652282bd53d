"""The designers' inbox read from Rasa's real SQL tracker store: fallbacks, low-confidence and
corrected messages, handoffs for misunderstanding and agents' flags, with the conversation
around them masked, grouped by what the assistant thought; labelling writes a sorted Rasa 3
NLU file under a copy of data/nlu and refuses duplicates and masked personal data."""
from __future__ import annotations

import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.app import inbox
from bot.inbox import load_inbox_settings
from bot.nlu_examples import Entity, ExampleRefused
from bot.settings import REPO_ROOT
from bot.storage import ComplaintStore, InboxStore, TrackerConversations, tracker_engine
from cli.commands import main
from rasa_ext.tracker_store import TunedSQLTrackerStore

SETTINGS = load_inbox_settings()
DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  handoff_decisions: {type: any, mappings: [{type: custom}]}
""")
NOW = datetime.now(timezone.utc)
"""When things are labelled; messages are stamped when a test saves them (the inbox reads the
conversations with events since its last look)."""
GIBBERISH = "叽里咕噜巴拉巴拉"


def _said(text: str, intent: str, confidence: float, at: float, ranking: Sequence[str] = ()) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [],
             "intent_ranking": [{"name": intent, "confidence": confidence}]
             + [{"name": name, "confidence": 0.2} for name in ranking]}
    return UserUttered(text, parse["intent"], [], parse, timestamp=at)


def _answered(response: str, text: str, at: float) -> List[Event]:
    return [ActionExecuted(response, timestamp=at), BotUttered(text, metadata={"utter_action": response}, timestamp=at),
            ActionExecuted("action_listen", timestamp=at)]


@pytest.fixture
def tracker(tmp_path: Path) -> TunedSQLTrackerStore:
    return TunedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


@pytest.fixture
def nlu_dir(tmp_path: Path) -> Path:
    """A copy of the project's NLU data: tests never write into the repository's data/."""
    return Path(shutil.copytree(REPO_ROOT / "data" / "nlu", tmp_path / "nlu"))


async def _save(tracker: TunedSQLTrackerStore, conversation: str, events: List[Event]) -> None:
    saved = await tracker.retrieve_full_tracker(conversation)
    previous = list(saved.events) if saved else []
    await tracker.save(DialogueStateTracker.from_events(conversation, previous + events, DOMAIN.slots))


def _groups(store: ComplaintStore, tracker: TunedSQLTrackerStore) -> Dict[str, Any]:
    groups = inbox.open_groups(InboxStore(store), TrackerConversations(tracker.engine), SETTINGS,
                              datetime.now(timezone.utc))
    return {group.intent: group.items for group in groups}


async def test_fallbacks_low_confidence_corrections_and_handoffs_are_in_the_inbox_masked_newest_first(
        store: ComplaintStore, tracker: TunedSQLTrackerStore) -> None:
    start = time.time() - 60
    await _save(tracker, "webchat:a", [
        _said("你好，我的电话13812345678", "greet", 0.97, start), *_answered("utter_greet", "您好！", start + 1),
        _said(GIBBERISH, "nlu_fallback", 0.31, start + 2, ["complain_quality"]),
        *_answered("utter_fallback", "不好意思，我没太明白您的意思", start + 3),
        _said("鞋子的事", "ask_progress", 0.52, start + 4), *_answered("utter_ask_progress", "在查", start + 5),
    ])
    groups = _groups(store, tracker)
    assert list(groups) == ["ask_progress", "nlu_fallback"], "the group with the newest message first"
    fallback = groups["nlu_fallback"][0]
    assert (fallback.text, fallback.reasons, fallback.guess) == (GIBBERISH, ("fallback",), "complain_quality")
    assert {"who": "customer", "text": "你好，我的电话138****5678", "this": False} in fallback.context
    assert {"who": "customer", "text": GIBBERISH, "this": True} in fallback.context
    assert groups["ask_progress"][0].reasons == ("low_confidence",)

    await _save(tracker, "webchat:a", [
        _said("不是这个意思，我是说鞋子开胶了", "deny", 0.9, start + 6),
        SlotSet("handoff_decisions", [{"reason": "fallback", "priority": "P3", "explanation": "没听懂"}],
                timestamp=start + 6),
    ])
    groups = _groups(store, tracker)
    assert groups["ask_progress"][0].reasons == ("low_confidence", "corrected")
    assert groups["deny"][0].reasons == ("handoff",)
    assert sum(len(items) for items in groups.values()) == 3, "a message read again is one item"


async def test_an_agents_flag_puts_an_understood_message_into_the_inbox_once(
        store: ComplaintStore, tracker: TunedSQLTrackerStore) -> None:
    start = time.time()
    said = _said("鞋底掉了", "complain_delivery", 0.95, start)
    await _save(tracker, "webchat:b", [said, *_answered("utter_sorry", "抱歉", start + 1)])
    events = [event.as_dict() for event in (await tracker.retrieve_full_tracker("webchat:b")).events]
    message_id = f"{start:.6f}"
    inbox_store = InboxStore(store)
    first = inbox.flag(inbox_store, "webchat:b", events, message_id, "王芳", SETTINGS, NOW)
    assert inbox.flag(inbox_store, "webchat:b", events, message_id, "李明", SETTINGS, NOW) == first
    item = _groups(store, tracker)["complain_delivery"][0]
    assert (item.text, item.reasons, item.flagged_by) == ("鞋底掉了", ("flagged",), "王芳")
    with pytest.raises(LookupError):
        inbox.flag(inbox_store, "webchat:b", events, "1.000000", "王芳", SETTINGS, NOW)


async def _item(store: ComplaintStore, tracker: TunedSQLTrackerStore, text: str) -> int:
    at = time.time() - len(text)
    await _save(tracker, f"webchat:{text}", [_said(text, "nlu_fallback", 0.2, at)])
    return next(i.id for items in _groups(store, tracker).values() for i in items if i.text.startswith(text[:4]))


async def test_labelling_writes_a_sorted_rasa_file_per_intent_and_marks_the_item_done(
        store: ComplaintStore, tracker: TunedSQLTrackerStore, nlu_dir: Path) -> None:
    items = InboxStore(store)
    second = await _item(store, tracker, "运动鞋买回来鞋带孔全裂开了")
    first = await _item(store, tracker, "买的保温杯用了一天盖子就拧不紧")
    inbox.label(items, second, "complain_quality", "张丽", nlu_dir, SETTINGS, NOW)
    written = inbox.label(items, first, "complain_quality", "张丽", nlu_dir, SETTINGS, NOW)
    path = nlu_dir / "reviewed" / "complain_quality.yml"
    assert written.file.endswith("reviewed/complain_quality.yml")
    examples = [m.get("text") for m in RasaYAMLReader().read(path).training_examples]
    assert examples == sorted(examples) == ["买的保温杯用了一天盖子就拧不紧", "运动鞋买回来鞋带孔全裂开了"]
    assert all(m.get("intent") == "complain_quality" for m in RasaYAMLReader().read(path).training_examples)
    assert items.get(first).status == "done" and items.get(first).label == "complain_quality"
    assert first not in [i.id for group in _groups(store, tracker).values() for i in group]
    with pytest.raises(inbox.AlreadyLabelled):
        inbox.label(items, first, "complain_quality", "张丽", nlu_dir, SETTINGS, NOW)


async def test_duplicates_near_duplicates_and_masked_data_are_refused_entities_are_marked(
        store: ComplaintStore, tracker: TunedSQLTrackerStore, nlu_dir: Path) -> None:
    items = InboxStore(store)
    exact = await _item(store, tracker, "不是这个意思!")
    with pytest.raises(ExampleRefused) as refused:
        inbox.label(items, exact, "deny", "张丽", nlu_dir, SETTINGS, NOW)
    assert refused.value.why == "duplicate"
    assert refused.value.existing.text == "不是这个意思"
    assert refused.value.existing.file.endswith("nlu/smalltalk.yml")
    near = await _item(store, tracker, "我不是这个意思啊")
    with pytest.raises(ExampleRefused) as refused:
        inbox.label(items, near, "deny", "张丽", nlu_dir, SETTINGS, NOW)
    assert refused.value.why == "near_duplicate" and refused.value.existing.text == "我不是这个意思"
    assert items.get(near).status == "open"

    phone = await _item(store, tracker, "换个号码吧 13912345678 打这个")
    with pytest.raises(ExampleRefused) as refused:
        inbox.label(items, phone, "give_details", "张丽", nlu_dir, SETTINGS, NOW)
    assert refused.value.why == "masked"
    written = inbox.label(items, phone, "give_details", "张丽", nlu_dir, SETTINGS, NOW,
                          text="换个号码吧 13800001234 打这个", entities=[Entity("13800001234", "phone")])
    assert written.text == "换个号码吧 [13800001234](phone) 打这个"
    [example] = RasaYAMLReader().read(nlu_dir / "reviewed" / "give_details.yml").training_examples
    assert example.get("entities")[0]["entity"] == "phone" and example.get("entities")[0]["value"] == "13800001234"
    with pytest.raises(ExampleRefused):
        inbox.label(items, near, "no_such_intent", "张丽", nlu_dir, SETTINGS, NOW)
    assert not (REPO_ROOT / "data" / "nlu" / "reviewed" / "give_details.yml").exists()


def test_without_a_tracker_database_the_inbox_is_empty_and_no_file_is_created(
        store: ComplaintStore, tmp_path: Path) -> None:
    tracker = TrackerConversations(tracker_engine(f"sqlite:///{tmp_path / 'none.db'}"))
    assert inbox.open_groups(InboxStore(store), tracker, SETTINGS, NOW) == []
    assert not (tmp_path / "none.db").exists()
    assert InboxStore(store).harvested_until() == pytest.approx(NOW.timestamp())


async def test_the_command_line_lists_the_inbox_and_labels_with_the_same_rules(
        store: ComplaintStore, tracker: TunedSQLTrackerStore, nlu_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    for name, value in {"DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
                        "TRACKER_DATABASE_URL": str(tracker.engine.url), "NLU_DATA_DIR": str(nlu_dir)}.items():
        monkeypatch.setenv(name, value)
    await _save(tracker, "webchat:cli", [_said(f"{GIBBERISH} 13912345678", "nlu_fallback", 0.3, time.time(),
                                               ["vent"])])
    assert main(["inbox", "list"]) == 0
    listed = capsys.readouterr()
    assert listed.out.splitlines()[0] == "nlu_fallback\t1"
    [item_id] = [line.split("\t")[1] for line in listed.out.splitlines()[1:]]
    assert listed.out.splitlines()[1].endswith(f"\tfallback\tvent\t{GIBBERISH} 139****5678")
    assert main(["inbox", "label", item_id, "vent"]) == 1
    assert "masked" in capsys.readouterr().err
    assert main(["inbox", "label", item_id, "vent", "--text", f"{GIBBERISH} 13800001234",
                 "--entity", "13800001234=phone"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"reviewed/vent.yml: {GIBBERISH} [13800001234](phone)")
    assert main(["inbox", "list"]) == 0 and capsys.readouterr().out == ""
