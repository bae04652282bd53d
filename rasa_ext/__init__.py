"""Rasa server extensions: NLU pipeline components, the script-aware NLG, the tuned tracker
store, and two process-wide settings applied when the Rasa server first imports this package
(the NLG endpoint does, at start-up): phone numbers masked in logs, and Rasa's per-turn hot
paths made cheap (`rasa_ext.hot_paths`)."""
from bot.privacy import install_log_masking
from rasa_ext.hot_paths import install_hot_path_fixes

install_log_masking()
install_hot_path_fixes()
