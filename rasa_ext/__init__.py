"""Rasa server extensions: NLU pipeline components, the script-aware NLG, the tuned tracker
store, and process-wide settings applied when the Rasa server first imports this package (its
tracker store and NLG endpoint do, before the model is loaded): phone numbers masked in logs,
Rasa's per-turn hot paths made cheap (`rasa_ext.hot_paths`), action server calls time-limited
and failing fast while it is down (`rasa_ext.action_breaker`), the loaded model kept out of the
garbage collector's way (`rasa_ext.heap`) and turns taken a few at a time in order of arrival
(`rasa_ext.turn_queue`)."""
from bot.privacy import install_log_masking
from rasa_ext.action_breaker import install_action_breaker
from rasa_ext.heap import install_model_freezing
from rasa_ext.hot_paths import install_hot_path_fixes
from rasa_ext.turn_queue import install_turn_queue

install_log_masking()
install_hot_path_fixes()
install_action_breaker()
install_model_freezing()
install_turn_queue()
