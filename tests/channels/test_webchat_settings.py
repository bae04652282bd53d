"""The web chat page's company name, logo and 转人工 text: config/channels.yml's `webchat:`
section, its defaults and its mistakes, and the page they fill in (escaped)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.datafiles import ConfigError
from channels.webchat import PAGE_DIR, render_page
from channels.webchat_settings import DEFAULT_LOGO, WebChatSettings
from bot.settings import REPO_ROOT


def test_the_shipped_section_reads_and_every_line_has_a_default() -> None:
    shipped = WebChatSettings.load()
    assert shipped.company_name and shipped.logo.is_file() and shipped.logo_type == "image/svg+xml"
    assert shipped.human_request == "转人工"
    assert WebChatSettings.load({}) == WebChatSettings() == WebChatSettings.load({"webchat": None})
    assert WebChatSettings().logo == REPO_ROOT / DEFAULT_LOGO


def test_a_company_sets_its_name_and_logo(tmp_path: Path) -> None:
    logo = tmp_path / "brand.PNG"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    settings = WebChatSettings.load({"webchat": {"company_name": " 好又多超市 ", "logo": str(logo),
                                                 "human_request": "我要找人工客服"}})
    assert (settings.company_name, settings.logo, settings.logo_type) == ("好又多超市", logo, "image/png")
    assert settings.human_request == "我要找人工客服" and settings.subtitle == WebChatSettings().subtitle


@pytest.mark.parametrize(("section", "says"), [
    ({"company": "好又多"}, "webchat.company: unknown key"),
    ({"company_name": ""}, "webchat.company_name: expected some text"),
    ({"human_request": 12}, "webchat.human_request: expected some text"),
    ({"logo": "docs/logo.gif"}, "is not a PNG, JPEG, WebP or SVG file"),
    ({"logo": "docs/no-such-logo.png"}, "there is no file"),
    ("好又多", "webchat: expected `key: value` entries"),
])
def test_mistakes_say_what_to_fix(section: object, says: str) -> None:
    with pytest.raises(ConfigError, match=f"config/channels.yml: .*{says}.*Fix: "):
        WebChatSettings.load({"webchat": section})


def test_a_logo_too_large_is_refused(tmp_path: Path) -> None:
    logo = tmp_path / "huge.png"
    logo.write_bytes(b"\0" * (600 * 1024))
    with pytest.raises(ConfigError, match="at most 512 kB"):
        WebChatSettings.load({"webchat": {"logo": str(logo)}})


def test_the_page_shows_the_settings_as_text() -> None:
    settings = WebChatSettings(company_name='<b>"好又多"</b>', human_request="转人工 & 投诉")
    page = render_page((PAGE_DIR / "index.html").read_text(encoding="utf-8"), settings, "/socket.io")
    assert "<title>&lt;b&gt;&quot;好又多&quot;&lt;/b&gt; · 客服助手</title>" in page
    assert 'data-text="转人工 &amp; 投诉"' in page and "<b>" not in page and "{{" not in page
