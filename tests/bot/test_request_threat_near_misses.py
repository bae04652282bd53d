"""Near-misses of a request for a person and of a threat, by structure (issue 14, handoff
precision; docs/devset.md "Requests and threats told, not made"), in sentences we wrote: a request
for a manager told as an event of the stay, what the staff said to the customer ("go and
complain"), a review on the platform where the customer bought, the NLU's threaten on a chat turn
that names no recourse, a book's differing answers. Each kind next to the real cases it must keep."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons


# --- a request for a person told as an event of the stay -------------------------------------

@pytest.mark.parametrize("text", [
    "那天晚上我打电话要求转人工，足足排了四十分钟",
    "当晚就要求找值班经理，经理到走都没露面",
    "入住当晚我们多次要求见经理，始终没人理",
    "结账时我们要找主管，等了半小时也没来",
])
def test_a_request_told_as_an_event_of_the_stay_is_not_a_request_now(config, text):
    assert "human_request" not in reasons(text, config)
    assert "human_request" not in reasons(text, config, "request_human", 0.9)


@pytest.mark.parametrize("text", [
    "找你们经理来",
    "昨天要求转人工没人理，现在马上给我找你们经理",
    "我现在就要跟你们主管通电话",
    "给我转人工",
])
def test_a_request_for_a_person_now_still_goes_to_a_person(config, text):
    assert "human_request" in reasons(text, config)


# --- what the staff said: "go and complain" ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "保安冷冷地说你报警好了，这事我们不管",
    "客服让我自己去找12315，说这不归他们管",
    "前台小姑娘居然回了一句：有本事你去告啊",
    "经理说你爱去哪投诉就去哪投诉",
    "停车场的车被划了，物业说要报警才能调监控",
])
def test_what_the_staff_said_is_not_the_customers_threat(config, text):
    assert "threat" not in reasons(text, config)
    assert "threat" not in reasons(text, config, "threaten", 0.9)


@pytest.mark.parametrize("text", [
    "我要打12315",
    "客服说不归他们管，那我就去12315投诉",
    "前台说没办法，我只能报警了",
    "你们再拖着不退款，我就找律师",
])
def test_the_customers_own_recourse_after_the_staffs_words_still_counts(config, text):
    assert "threat" in reasons(text, config)


# --- a review on the platform where the customer bought --------------------------------------

@pytest.mark.parametrize("text", [
    "我会在网上客观评价这次入住的",
    "等收到货再给你们打分",
    "这些情况我都写进点评里了，给后来的人参考",
])
def test_a_review_on_the_platform_is_not_a_threat(config, text):
    assert "threat" not in reasons(text, config)
    assert "threat" not in reasons(text, config, "threaten", 0.9)


@pytest.mark.parametrize("text", [
    "我在大众点评上把你们这家店的事都写出来了",
    "评价我已经写了，还要发微博曝光你们",
])
def test_exposing_us_beside_a_review_still_counts(config, text):
    assert "threat" in reasons(text, config)


# --- the NLU's threaten on a chat turn that names no recourse --------------------------------

@pytest.mark.parametrize("text", ["那个包裹寄出来没有", "店铺我收藏过了"])
def test_the_nlu_threaten_alone_needs_a_word_of_recourse(config, text):
    assert reasons(text, config, "threaten", 0.6) == set()


@pytest.mark.parametrize("text", ["你们给我等着", "我去消费者协会", "这事没完，我找媒体"])
def test_the_nlu_threaten_with_a_word_of_recourse_still_counts(config, text):
    assert "threat" in reasons(text, config, "threaten", 0.6)


# --- a book's differing answers ---------------------------------------------------------------

def test_a_books_differing_answers_are_not_being_pushed_around(config):
    text = "书中讲到几位哲人谈幸福，每个人说的答案都不一样，读来很有意思"
    assert "pushed_around" not in reasons(text, config)


def test_differing_answers_from_the_seller_still_count(config):
    assert "pushed_around" in reasons("每个客服说的答案都不一样，到底听谁的", config)


# --- someone else's money is no sum at stake --------------------------------------------------

@pytest.mark.parametrize("text", [
    "老板为这本书狂砸了2000万元做宣传，可内容空洞",
    "作者自己说为这套书投入了600万元，印刷却错字连篇",
])
def test_someone_elses_investment_is_not_a_sum_at_stake(config, text):
    assert "high_value" not in reasons(text, config)


@pytest.mark.parametrize("text", ["花了6999元买的手机，屏幕三天就坏了", "老板卖给我一台8800元的电视，第二天就黑屏了"])
def test_a_sum_the_customer_paid_is_still_at_stake(config, text):
    assert "high_value" in reasons(text, config)
