"""Keys of a customer message's metadata that more than one part of the assistant reads."""

#: The key under which a message longer than `max_message_chars` keeps its whole text
#: (`channels.guard`); the tracker store stores it once, in the message's user event.
FULL_TEXT_KEY = "full_text"
