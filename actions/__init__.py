"""Rasa SDK actions: thin adapters between Rasa trackers and the `bot` core."""
from bot.privacy import install_log_masking

install_log_masking()
