"""Keys of a customer message's metadata and parse data that more than one part of the assistant
reads."""

#: The key under which a message longer than `max_message_chars` keeps its whole text
#: (`channels.guard`); the tracker store stores it once, in the message's user event.
FULL_TEXT_KEY = "full_text"

#: The key of the parse data under which the NLU gives a yes or a no that names a problem its
#: reading as a complaint, an intent ranking (rasa_ext.intent_classifier); the core fallback
#: action reads the message so when no yes/no question is pending (actions/unexpected.py).
READING_IF_UNASKED_KEY = "reading_if_unasked"
