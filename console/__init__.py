"""The agent console: a Sanic web app and JSON API for the people who take handoffs.

`python -m bot console` serves it (its own process: two Sanic apps in one process fail) and runs
the job worker alongside. `app` wires it, `auth` logs agents in, `desk` does what agents ask,
`api` and `pages` speak HTTP, `views` and `transcript` shape what agents read, `wording` holds
every sentence they read.
"""
