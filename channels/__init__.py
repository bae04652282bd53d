"""Messaging platforms <-> Rasa: custom input channels."""
from bot.privacy import install_log_masking

install_log_masking()
