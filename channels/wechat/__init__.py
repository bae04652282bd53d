"""The WeChat Official Account channel: `channel` (the Rasa input channel, named in credentials.yml
as `channels.wechat.WeChatInput`), `envelope` (signatures, encryption), `inbound` (what a message
asks), `output`, `api` (customer-service messages), `choices` (numbered options), `settings`."""
from channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]
