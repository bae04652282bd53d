"""What the benchmark's synthetic customers say: whole complaint conversations in Simplified and
Traditional Chinese, the messages of one very long conversation, and the conversations of Rasa's
stock assistant (`rasa init`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Pattern, Tuple

#: The reply that records a complaint ("投诉编号是 TS-…"; other replies quote an example ID).
RECORDED = re.compile(r"[编編][号號]是 TS-\d{8}-\d{4}")


@dataclass(frozen=True)
class Script:
    """One conversation: the customer's messages, and what a reply must show by its end for the
    conversation to count as finished (None: anything)."""

    name: str
    messages: Tuple[str, ...]
    finished: Optional[Pattern[str]] = RECORDED


#: Whole complaints, each ending at a recorded complaint: greeting, complaint, each form answer,
#: read-back confirmed, plan accepted, and a progress query or thanks.
COMPLAINTS = [
    Script("earphones, exchange (Simplified)", (
        "你好", "我买的蓝牙耳机才用了三天左耳就没声音了", "上周五收到的", "订单号DD20261120031",
        "换一个新的吧", "13812345678", "对的", "可以", "我的投诉现在处理到哪一步了")),
    Script("jacket, exchange (Traditional)", (
        "您好", "我買的外套拉鍊壞了，才穿一次", "上週六收到的", "訂單號DD20261122007",
        "換一件新的", "13912345678", "對的", "好的", "我的投訴處理到哪一步了")),
    Script("rice cooker, refund (Simplified)", (
        "你好", "我买的电饭煲用了两天就不能加热了", "11月20号收到的", "订单号DD20261120088",
        "我想退货退款", "13712345678", "对的", "可以", "谢谢")),
    Script("speaker, repair (Traditional)", (
        "您好", "我買的藍牙音箱充不進電，才用了一週", "上個月底收到的", "訂單號DD20261030015",
        "幫我修一下吧", "13612345678", "對的", "可以", "謝謝")),
]

#: The long conversation: a complaint (turns 1-7), then these messages over and over (progress
#: queries, policy questions, thanks), eight different ones: any eight turns in a row hold each once.
LONG_PRELUDE = COMPLAINTS[0].messages[1:8]
LONG_REPEATED = (
    "我的投诉处理到哪一步了", "好的谢谢", "退货期限是多久", "退款多久能到账",
    "保修期有多长", "我的投訴處理到哪一步了", "谢谢你", "退款一般几天到账")
WINDOW = len(LONG_REPEATED)


def long_conversation(turns: int) -> List[str]:
    """`turns` messages of one conversation: the prelude, then the repeated messages in turn."""
    rest = turns - len(LONG_PRELUDE)
    return [*LONG_PRELUDE, *(LONG_REPEATED[i % len(LONG_REPEATED)] for i in range(rest))]


#: Rasa's stock assistant (`rasa init`): its stories' paths (cheer up, helped or not) and its rules.
STOCK = [
    Script("happy path", ("hello", "I am great", "goodbye"), None),
    Script("sad path, helped", ("hi", "I am sad", "yes", "bye"), None),
    Script("sad path, not helped", ("hey", "not good", "no"), None),
    Script("bot challenge", ("good morning", "are you a bot?", "very sad", "yes", "see you later"), None),
]
