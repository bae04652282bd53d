"""The forbidden-phrase checker finds 忌语 in either script."""
from bot.tone import find_forbidden, load_forbidden_phrases


def test_the_list_is_data_and_holds_the_playbook_phrases():
    texts = {phrase.text for phrase in load_forbidden_phrases()}
    assert {"我们不能", "无可奉告", "这是公司规定", "我也没办法"} <= texts


def test_found_in_simplified_and_traditional_and_despite_punctuation():
    assert find_forbidden("抱歉，我们不能退款") == ["我们不能"]
    assert find_forbidden("抱歉，我們不能退款") == ["我们不能"]
    assert find_forbidden("这件事，无 可 奉 告。") == ["无可奉告"]


def test_company_rules_are_forbidden_only_as_an_opening():
    assert find_forbidden("这是公司规定，请理解") == ["这是公司规定"]
    assert find_forbidden("我们会按规定办理，这是公司规定的时限内") == []


def test_warm_text_passes():
    assert find_forbidden("非常抱歉给您添麻烦了，我马上帮您处理。") == []
