"""Every sentence and label the agent console shows, in one table (agents read Chinese)."""
from __future__ import annotations

from typing import Mapping

#: Escalation reason codes (`bot.escalation.REASONS`) as the queue shows them.
REASONS: Mapping[str, str] = {
    "safety": "安全问题",
    "threat": "投诉或曝光威胁",
    "identity": "特殊身份",
    "repeated": "重复投诉",
    "pushed_around": "被推诿",
    "anger": "情绪激动",
    "high_value": "大额争议",
    "human_request": "要求人工",
    "fallback": "机器人多次没听懂",
    "low_satisfaction": "满意度低（重新处理）",
    "not_solved": "回访时问题仍未解决",
    "plan_declined": "不接受处理方案",
}
PRIORITIES: Mapping[str, str] = {"P1": "紧急", "P2": "优先", "P3": "普通"}
CASE_STATUSES: Mapping[str, str] = {
    "waiting": "等待接手",
    "claimed": "处理中",
    "resolved": "已解决",
    "released": "已交还机器人",
}
CHANNELS: Mapping[str, str] = {
    "webchat": "网页在线客服",
    "rest": "REST 接口",
    "wechat": "微信公众号",
    "tg": "Telegram",
}

ROLES: Mapping[str, str] = {"agent": "客服专员", "supervisor": "主管", "designer": "对话设计师"}
#: The audit trail's actions (`bot.storage.CaseAction`) as the case page lists them.
CASE_ACTIONS: Mapping[str, str] = {
    "claimed": "接手",
    "replied": "回复客户",
    "noted": "添加备注",
    "refunded": "通知客户退款已发起",
    "resolved": "标记为已解决",
    "reassigned": "转派",
    "released": "交还机器人",
    "complaint_added": "登记了投诉",
}
#: The evidence kinds (`bot.storage.evidence.KINDS`) as the case page names them.
EVIDENCE_KINDS: Mapping[str, str] = {
    "image": "照片", "video": "视频", "voice": "语音", "audio": "音频", "document": "文件",
    "sticker": "表情", "location": "位置", "link": "链接",
}
EVIDENCE_PENDING = "正在从{channel}下载…"
EVIDENCE_FAILED = "没能从{channel}下载（平台只保留几天，或文件不符合要求），客户可以再发一次。"
EVIDENCE_NOT_KEPT = "只记录了这条消息，文件没有保存。"
FILE_NOT_FOUND = "没有找到这个文件。"
COMPLAINT_ADDED_TEXT = "投诉编号 {complaint_id}"
RESOLUTION_TEXT = "处理结果：{resolution}"
#: A case without a complaint (the customer asked for a person before telling any problem).
NO_COMPLAINT_TITLE = "尚未登记投诉"
NO_COMPLAINT_CATEGORY = "还没说明遇到的问题"
NO_COMPLAINT_SUMMARY = ("客户一开始就请人工帮忙，还没说遇到了什么问题，所以暂时没有登记投诉。"
                        "接手后可以先在对话里问问客户的情况；交还机器人后，客户再说的投诉会登记进这个案件。")
REASSIGNED_TEXT = "从 {from_name} 转给 {to_name}"
REFUND_AMOUNT_TEXT = "{amount} 元"
REMEDY_TEXT = "处理方式：{remedy}"
SYSTEM_ACTOR = "系统"

LOGIN_FAILED = "用户名或密码不正确，请核对后再试一次。"
LOGIN_INCOMPLETE = "请填写用户名和密码。"
LOGIN_THROTTLED = "密码错误次数太多，为了账号安全，请 {minutes} 分钟后再试；忘记密码请联系主管重置。"
LOGGED_OUT = "您已安全退出，辛苦了！"
LOGIN_NEEDED = "请先登录，登录已过期时也请重新登录。"
CSRF_FAILED = "页面已过期，为了安全，请刷新页面后再操作。"
BAD_REQUEST = "请求的格式不正确，请刷新页面后再试。"
CASE_NOT_FOUND = "没有找到这个案件，请回到队列页查看。"
PAGE_NOT_FOUND = "您要找的页面不存在，请回到队列页。"
SERVER_ERROR = "抱歉，控制台出了点问题，请稍后重试；如果一直不行，请联系技术同事。"
TAKEN_BY = "已被同事 {name} 接手"
OWNED_BY = "这个案件由同事 {name} 负责，只有接手的同事可以回复和处理。"
CLAIM_FIRST = "请先接手这个案件，再回复客户或处理。"
CASE_CLOSED = "这个案件已经交还机器人，不能再回复或处理了。"
ALREADY_RESOLVED = ("这个案件已经解决，对话也已交还机器人，不用再交还或回复了；"
                    "客户再有问题，机器人会接着回复，需要时会重新转人工。")
CASE_CHANGED = "案件状态刚刚有了变化，请刷新页面看看最新情况。"
EMPTY_REPLY = "回复内容不能为空。"
EMPTY_NOTE = "备注内容不能为空。"
EMPTY_RESOLUTION = "请写下处理结果，方便日后查看。"
BAD_REPORT_WINDOW = ("统计时间没看懂：请写成 90d、12h、2026-01-31 或 2026-01-31T08:00 这样的格式，"
                     "结束时间要晚于开始时间。")
UNREADABLE_TEXT = "内容里有无法识别的字符（可能是复制时带进来的），请删掉后再试。"
UNKNOWN_REMEDY = "请从列表里选择一种处理方式。"
BAD_REFUND_AMOUNT = "退款金额请填写大于 0 的数字（单位：元），最多两位小数；不确定金额可以不填。"
REFUND_NOTE = "已发起退款{amount}，已告知客户预计到账时间：{deadline}前。"
TOO_LONG = "内容太长了（最多 {limit} 个字），请分几次发送。"
RASA_DOWN = "暂时连不上对话服务，这一步没有完成，客户也没有收到消息。请稍后再试；如果一直不行，请联系技术同事。"
TRANSCRIPT_DOWN = "暂时连不上对话服务，对话记录读不出来，稍后会自动重试。"
RESOLVED_NOT_TOLD = "已标记为解决，但暂时连不上对话服务，客户还没收到处理结果；系统会在服务恢复后自动补发，请留意。"
SUPERVISORS_ONLY_REPORTS = "统计报表只有主管可以查看；需要数据时请找主管。"
SUPERVISORS_ONLY_REASSIGN = "只有主管可以转派案件；需要换人处理时请找主管。"
SUPERVISOR_CASE = "这个案件由主管处理（客户对处理结果不满意，重新打开了）；需要协助时主管会转派给您。"
REASSIGN_UNCLAIMED = "这个案件还没有人接手，同事可以直接在队列里接手，不需要转派。"
REASSIGN_SAME_AGENT = "这个案件已经由这位同事负责了。"
REASSIGN_NOT_CLAIMED = "只有处理中的案件可以转派；已解决或已交还的案件不用再转派。"
UNKNOWN_COLLEAGUE = "请从列表里选择一位在职的同事。"
GREETING_NOT_SENT = "已交还机器人，但机器人的欢迎语没有发出，请留意客户接下来的消息。"
DESIGNERS_NO_CASES = "对话设计师不处理客户案件；机器人没理解好的消息在“待标注消息”里。"
INBOX_DESIGNERS_ONLY = "待标注消息只有对话设计师可以查看；发现机器人理解错了，请在案件页的消息旁点“机器人理解错了”。"
INBOX_ITEM_NOT_FOUND = "没有找到这条消息，请刷新页面。"
ALREADY_LABELLED = "这条消息已经有同事标注过了，请刷新页面。"
FLAG_NOT_FOUND = "对话里没有找到这条客户消息，请刷新页面再试。"
#: Why a label was refused (`bot.nlu_examples.ExampleRefused.why`).
LABEL_REFUSED: Mapping[str, str] = {
    "intent": "请从列表里选择一个意图。",
    "masked": "消息里有打码的个人信息（如 138****5678）：请先改成虚构的示例值（如 13800001234），再把它标成实体。",
    "malformed": "例句要写成一行文字，不能为空，不能含 [ ] { }，也不能以 / 开头。",
    "entity": "标出的实体要是例句里的原文，类型请从列表里选择。",
    "duplicate": "训练数据里已经有一模一样的例句（{file}：{text}，意图 {intent}），不需要再加。",
    "near_duplicate": "训练数据里已经有很相近的例句（{file}：{text}，意图 {intent}），不需要再加。",
}
#: Why a message is in the inbox (`bot.inbox.REASONS`).
INBOX_REASONS: Mapping[str, str] = {
    "fallback": "没听懂",
    "low_confidence": "把握不大",
    "corrected": "客户纠正",
    "handoff": "没听懂转人工",
    "flagged": "客服标记",
}
