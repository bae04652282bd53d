"""The Telegram channel: `channel` (the Rasa input channel, named in credentials.yml as
`channels.telegram.TelegramInput`), `inbound` (what an update asks), `output`, `buttons`,
`connection` (the python-telegram-bot `Bot`), `settings`."""
from channels.telegram.channel import TelegramInput

__all__ = ["TelegramInput"]
