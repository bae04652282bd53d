"""Complaints not taken up (issue 14): the kinds of real complaint the assistant answered with
"我没太明白" or "不客气", and what now takes them up — the complaint layer's words in config.yml
(a defect said as "服务又差", "很一般", "不太喜欢", "再也不住", "没收到"; a verdict that is negated,
"以后不会再入住", is none; "一看就是" is no turn; "非常" negates nothing). Beside them, praise
that must stay praise. Every sentence written by the team."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_ext.complaint_layer import ComplaintLayer, names_a_problem

ROOT = Path(__file__).resolve().parents[2]


def _configured_layer() -> ComplaintLayer:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    return ComplaintLayer.from_config(next(c for c in pipeline if "complaint_layer" in c)["complaint_layer"])


LAYER = _configured_layer()

#: Each names a problem by config.yml's words; none is a training example.
NAMED_PROBLEMS = [
    "位置还行，服务又差，房间也小",                    # 差 after 又 / 更 / 也
    "比起隔壁那家，这里只会更差",
    "早餐很一般，咖啡是速溶的",                        # 一般 said strongly
    "女儿翻了两页就不看了，她不太喜欢这种画风",        # not much liked
    "宣传说适合三岁以上，其实不适合这么小的孩子",
    "开机要等好久，运行大一点的软件有点慢",            # mild cons of a laptop
    "机器挺好看，就是比我想的有点重",
    "驱动装起来很繁琐，官网也找不到说明",
    "这书前后矛盾，情节很乱，读着很枯燥",              # a book that disappointed
    "看过简介以为会很有用，读完一无所获",
    "拍照效果没有想象中的好，夜景全是噪点",
    "订了十天了还没收到，问了也不回",                  # not arrived
    "冷得要死，屋里没暖气，这怎么住",
    "以后出差再也不住这家了",                          # never again
    "卫生差，床单有污渍，以后不会再入住",              # a negated verdict is none
    "封面很漂亮，一看就是盗版，字都是糊的",            # "就是" that is no turn
    "网上吹得那么好，住了以后大失所望",
    "满两千才能用的券，非常不爽",                      # 非 in 非常 negates nothing
    "枕头太硬，床单也不干净，建议前台推荐别的房型",    # 推荐 in a suggestion is no verdict
    "充电宝不耐用，希望店家推荐个容量大点的",
]
#: Praise, a shrug or a small regret with a verdict: no problem named.
NO_PROBLEM = [
    "房间很安静，一点也不吵，下次还会再来",
    "电脑不重，背着上班正合适",
    "装系统一点也不繁琐，半小时搞定",
    "散热有点吵，不过可以接受，总体满意",
    "一看就是用心写的书，推荐给大家",
    "比想象中的好很多，值得买",
    "这套书孩子很喜欢，每天都要翻",
    "民宿不但干净，而且一点也不吵，推荐",              # 不但……而且 is no contrast
    "这款鼠标不仅手感好，而且没有异味",
    "就是风扇声音有点大，不过还是推荐",                # a verdict outside a suggestion stands
]


@pytest.mark.parametrize("text", NAMED_PROBLEMS)
def test_the_configured_words_name_the_problem(text: str) -> None:
    assert names_a_problem(text, LAYER)


@pytest.mark.parametrize("text", NO_PROBLEM)
def test_the_configured_words_leave_praise_alone(text: str) -> None:
    assert not names_a_problem(text, LAYER)


NEGATED = ComplaintLayer.from_config({
    "intents": ["complain_general"], "general": "complain_general", "reconsider": ["thank"],
    "contrast": ["但是", "就是"], "negations": ["不", "无"], "defects": ["太差", "盗版"],
    "verdicts": ["会再", "接受"], "not_turns": ["一看就是"],
})


@pytest.mark.parametrize("text, named", [
    ("服务太差，以后不会再来", True),       # "会再" negated: no verdict
    ("服务太差，简直无法接受", True),
    ("服务太差，但是可以接受", False),      # the verdict stands
    ("服务是差了点，但是太差也不至于，会再来", False),
    ("装帧精美，一看就是盗版", True),       # "就是" inside "一看就是" is no turn
    ("是盗版，但是就是便宜", True),         # a complaint, then praise of another part
])
def test_a_negated_verdict_is_none_and_a_phrase_is_no_turn(text: str, named: bool) -> None:
    assert names_a_problem(text, NEGATED) is named
