"""Rasa server extensions: NLU pipeline components, the script-aware NLG, the tuned tracker and
lock stores, and changes to Rasa's own classes, installed explicitly by `rasa_ext.patches.install`
at start-up (phone numbers masked in logs, Rasa's per-turn hot paths made cheap, action server
calls time-limited behind a circuit breaker, the loaded model kept out of the garbage collector's
way, turns taken a few at a time in order of arrival). Importing this package changes nothing."""
