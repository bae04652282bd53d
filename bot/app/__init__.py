"""The application layer of the core: one function per business event, which every adapter
(actions, channels, console, worker, CLI) calls once per event.

Each function takes plain values and the services it needs (store, queues, settings, the time)
and returns plain results the adapter turns into responses. It holds the workflow, not the rules
(`bot.escalation`, `bot.policies`, `bot.extraction`, ...) and no SQL (the storage classes); it
imports no framework. Where a step needs the Rasa server it takes a small protocol (`Messenger`).
"""
