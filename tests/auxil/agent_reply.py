"""An agent's reply pushed to a customer exactly as the agent console does it: through the Rasa
HTTP API with `output_channel=latest`, so it leaves by the customer's own channel."""
from __future__ import annotations

from bot.rasa_api import RasaApi
from tests.auxil.stack import Stack


async def agent_says(stack: Stack, sender: str, text: str, agent: str = "李明") -> None:
    """Send `text` to `sender`'s conversation (`Stack.conversation`) as the agent named `agent`
    does from the console (`bot.app.handoffs.reply`: the metadata names them); returns once Rasa
    answered."""
    rasa = RasaApi(stack.rasa_url, stack.token)
    try:
        await rasa.send_text(stack.conversation(sender), text, {"agent": agent})
    finally:
        await rasa.close()
