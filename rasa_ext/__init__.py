"""Rasa server extensions: NLU pipeline components and the script-aware NLG."""
from bot.privacy import install_log_masking

install_log_masking()
