"""Rasa server extensions: NLU pipeline components, the script-aware NLG, and two process-wide
settings applied when the Rasa server first imports this package (the NLG endpoint does, at
start-up): phone numbers masked in logs, and action responses validated without re-checking
the schema on every call."""
from bot.privacy import install_log_masking
from rasa_ext.action_validation import install_cached_action_validation

install_log_masking()
install_cached_action_validation()
