"""A complaint report (`bot.reports.Report`) as people read it: a text table for the terminal, HTML
tables for the agent console, CSV and a PNG chart. Labels are the Chinese ones agents see elsewhere
(`data/labels.yml` for categories, `console.wording` for channels and reasons).

CSV: a header `section,key,label,value`, then one row per figure. `key` is a code (category,
channel, reason, score) or the figure's name; `value` is a count, a share as a fraction with 4
decimals (0.4 is 40 %), hours with 2 decimals, an average with 2 decimals, an ISO time (the
window), or empty when there is nothing to measure. Sections: window (since, until), summary
(total, escalated, escalated_share, within_target, within_target_share: resolved by the deadline
`resolution` of data/policies.yml, which their labels state), first_response and resolution
(median_hours, n), category_count/category_share (top 5), channel_count/channel_share,
escalation_count/escalation_rate (per reason), satisfaction (average, n), satisfaction_score (1-5).
"""
from __future__ import annotations

import csv
import html
import io
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple, Union
from zoneinfo import ZoneInfo

from console import wording
from bot.labels import Labels, load_labels
from bot.policies import Deadline
from bot.reports import Count, Median, Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure as Chart

Value = Union[int, float, str, None]
#: Font families with Chinese glyphs the chart uses, the first one installed (else it shows codes).
#: Debian's fonts-noto-cjk (scripts/setup.sh installs it) is one .ttc file whose first face, the
#: one matplotlib reads, is "Noto Sans CJK JP": it has every Simplified and Traditional character.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "Source Han Sans", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei",
             "PingFang SC", "Droid Sans Fallback", "AR PL UMing CN")
NOTHING = "—"


@dataclass(frozen=True)
class Figure:
    """One row of the CSV export."""

    section: str
    key: str
    label: str
    value: Value


@dataclass(frozen=True)
class Line:
    """One line of a table as people read it; `share` (0-1) draws a bar."""

    label: str
    value: str
    share: Optional[float] = None


Table = Tuple[str, List[Line]]


@lru_cache(maxsize=None)
def _labels() -> Labels:
    return load_labels()


def category_label(code: str) -> str:
    return _labels().categories.get(code, code)


def channel_label(code: str) -> str:
    return wording.CHANNELS.get(code, code)


def reason_label(code: str) -> str:
    return wording.REASONS.get(code, code)


def percent(share: float) -> str:
    """0.4 -> 40%, 0.41666 -> 41.7%."""
    return f"{share * 100:.1f}".removesuffix(".0") + "%"


def duration(value: Optional[timedelta]) -> str:
    """E.g. 45分钟, 3小时, 1.5小时, 4.2天; a dash for None."""
    if value is None:
        return NOTHING
    hours = value.total_seconds() / 3600
    if hours < 1:
        return f"{round(hours * 60)}分钟"
    if hours < 72:
        return f"{hours:.1f}".removesuffix(".0") + "小时"
    return f"{hours / 24:.1f}".removesuffix(".0") + "天"


def deadline_text(deadline: Deadline) -> str:
    """E.g. 48小时, 7个工作日."""
    if deadline.working_days is not None:
        return f"{deadline.working_days}个工作日"
    return f"{deadline.hours}小时"


def _counted(count: Count) -> str:
    return f"{count.count}（{percent(count.share)}）"


def _median(median: Median) -> str:
    return f"{duration(median.median)}（{median.n} 件有记录）"


def tables(report: Report) -> List[Table]:
    """The report as titled tables of (label, value, share) lines, in reading order."""
    average = f"{report.satisfaction_average:.2f}" if report.satisfaction_average is not None else NOTHING
    answered = report.satisfaction_n or 1
    return [
        ("概况", [
            Line("投诉总数", str(report.total)),
            Line("转人工的投诉", _counted(report.escalated), report.escalated.share),
            Line("首次响应时间中位数", _median(report.first_response)),
            Line("解决时间中位数", _median(report.resolution)),
            Line(f"{deadline_text(report.target)}内解决（占全部投诉）", _counted(report.within_target),
                 report.within_target.share),
            Line("满意度平均分（1-5分）", f"{average}（{report.satisfaction_n} 人评价）"),
        ]),
        ("投诉最多的五类", [Line(category_label(c.key), _counted(c), c.share) for c in report.categories]),
        ("各渠道投诉量", [Line(channel_label(c.key), _counted(c), c.share) for c in report.channels]),
        ("各原因转人工率", [Line(reason_label(c.key), _counted(c), c.share) for c in report.escalations]),
        ("满意度分布", [Line(f"{score}分", f"{count}（{percent(count / answered)}）", count / answered)
                      for score, count in report.satisfaction_scores]),
    ]


def window_text(report: Report, tz: ZoneInfo) -> str:
    """E.g. 2026-09-01 10:00 至 2026-11-30 10:00（共 12 件投诉）, local time."""
    since, until = (moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") for moment in (report.since, report.until))
    return f"{since} 至 {until}（共 {report.total} 件投诉）"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def text_report(report: Report, tz: ZoneInfo) -> str:
    """The report for a terminal: a title line, then each table with aligned columns."""
    out = [f"投诉报表：{window_text(report, tz)}"]
    for title, lines in tables(report):
        out += ["", f"【{title}】"]
        width = max((_width(line.label) for line in lines), default=0) + 2
        out += [f"  {_pad(line.label, width)}{line.value}" for line in lines] or [f"  {NOTHING}"]
    return "\n".join(out) + "\n"


def _bar(share: Optional[float]) -> str:
    if share is None:
        return ""
    width = round(max(0.0, min(share, 1.0)) * 100, 1)
    return (f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect class="bar__fill" width="{width}" height="10"/></svg>')


def html_report(report: Report) -> str:
    """The tables as HTML (every text escaped); bars are inline SVG, allowed by the console's CSP."""
    sections = []
    for title, lines in tables(report):
        rows = "".join(f"<tr><th scope=\"row\">{html.escape(line.label)}</th><td>{html.escape(line.value)}</td>"
                       f"<td class=\"report-table__bar\">{_bar(line.share)}</td></tr>" for line in lines)
        body = f'<table class="report-table">{rows}</table>' if rows else '<p class="muted">暂无数据</p>'
        sections.append(f'<section class="card report__section"><h2>{html.escape(title)}</h2>{body}</section>')
    return "".join(sections)


def _share(value: float) -> float:
    return round(value, 4)


def _hours(median: Median) -> Value:
    return round(median.median.total_seconds() / 3600, 2) if median.median is not None else ""


def _count_figures(sections: Tuple[str, str], counts: Sequence[Count],
                   label: Callable[[str], str]) -> List[Figure]:
    """The (count, share) `sections` rows of `counts`: all counts first, then all shares."""
    count_section, share_section = sections
    return ([Figure(count_section, c.key, label(c.key), c.count) for c in counts]
            + [Figure(share_section, c.key, label(c.key), _share(c.share)) for c in counts])


def figures(report: Report) -> List[Figure]:
    """Every figure of the report as a CSV row (see the module docstring)."""
    average = round(report.satisfaction_average, 2) if report.satisfaction_average is not None else ""
    target = deadline_text(report.target)
    return [
        Figure("window", "since", "统计开始", report.since.isoformat()),
        Figure("window", "until", "统计结束（不含）", report.until.isoformat()),
        Figure("summary", "total", "投诉总数", report.total),
        Figure("summary", "escalated", "转人工的投诉", report.escalated.count),
        Figure("summary", "escalated_share", "转人工的投诉占比", _share(report.escalated.share)),
        Figure("summary", "within_target", f"{target}内解决的投诉", report.within_target.count),
        Figure("summary", "within_target_share", f"{target}内解决的占比（占全部投诉）",
               _share(report.within_target.share)),
        Figure("first_response", "median_hours", "首次响应时间中位数（小时）", _hours(report.first_response)),
        Figure("first_response", "n", "有首次响应记录的投诉", report.first_response.n),
        Figure("resolution", "median_hours", "解决时间中位数（小时）", _hours(report.resolution)),
        Figure("resolution", "n", "已解决的投诉", report.resolution.n),
        *_count_figures(("category_count", "category_share"), report.categories, category_label),
        *_count_figures(("channel_count", "channel_share"), report.channels, channel_label),
        *_count_figures(("escalation_count", "escalation_rate"), report.escalations, reason_label),
        Figure("satisfaction", "average", "满意度平均分", average),
        Figure("satisfaction", "n", "回答满意度的投诉", report.satisfaction_n),
        *(Figure("satisfaction_score", str(score), f"{score}分", count)
          for score, count in report.satisfaction_scores),
    ]


def csv_report(report: Report) -> str:
    """The figures as CSV text (header section,key,label,value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "value"])
    writer.writerows([f.section, f.key, f.label, f.value] for f in figures(report))
    return out.getvalue()


@lru_cache(maxsize=None)
def cjk_font() -> Optional[str]:
    """The family of CJK_FONTS the chart uses, or None when none is installed. A font installed
    after matplotlib built its font cache is found through fontconfig (`fc-list :lang=zh`)."""
    from matplotlib import font_manager

    def first() -> Optional[str]:
        installed = {font.name for font in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    found = first()
    if found is None:
        for path in _fontconfig_cjk_files():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file matplotlib cannot read
                continue
        found = first()
    return found


def _fontconfig_cjk_files() -> List[str]:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                                timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})


def chart_figure(report: Report) -> "Chart":
    """Four small bar charts (top categories, channels, escalation rate by reason, satisfaction
    1-5) in one matplotlib figure, top categories first. Labels are Chinese in a CJK font
    (`cjk_font`) when one is installed, else the codes (never boxes)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as Chart
    from matplotlib.ticker import MaxNLocator

    font = cjk_font()

    def names(counts: Sequence[Count], label: Callable[[str], str]) -> List[str]:
        return [label(c.key) if font else c.key for c in counts]

    panels = [
        (("投诉最多的五类", "Top categories"), names(report.categories, category_label),
         [c.count for c in report.categories], "#1f6feb"),
        (("各渠道投诉量", "Complaints per channel"), names(report.channels, channel_label),
         [c.count for c in report.channels], "#2da44e"),
        (("各原因转人工率（%）", "Escalation rate by reason (%)"), names(report.escalations, reason_label),
         [c.share * 100 for c in report.escalations], "#d97706"),
        (("满意度分布", "Satisfaction (1-5)"), [f"{s}分" if font else str(s) for s, _ in report.satisfaction_scores],
         [n for _, n in report.satisfaction_scores], "#8250df"),
    ]
    # Every text takes its font family when it is made: the figure keeps it after the context.
    with matplotlib.rc_context({"font.family": [font]} if font else {}):
        chart = Chart(figsize=(11, 7), dpi=100)
        for axes, ((title_zh, title_en), labels, values, colour) in zip(chart.subplots(2, 2).flat, panels):
            axes.set_title(title_zh if font else title_en, fontsize=11)
            if any(values):
                axes.barh(labels[::-1], values[::-1], color=colour)  # the first at the top
                axes.tick_params(axis="y", labelsize=9)
                axes.xaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                axes.text(0.5, 0.5, "暂无数据" if font else "no data", ha="center", va="center",
                          transform=axes.transAxes)
                axes.set_axis_off()
        chart.tight_layout()
    return chart


def chart_png(report: Report) -> bytes:
    """`chart_figure` as a PNG."""
    out = io.BytesIO()
    chart_figure(report).savefig(out, format="png", facecolor="white")
    return out.getvalue()
