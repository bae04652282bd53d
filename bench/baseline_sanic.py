"""The bare baseline: a Sanic app with the REST channel's route that answers at once, doing
nothing else. Run by bench/harness.py: `python bench/baseline_sanic.py PORT`."""
from __future__ import annotations

import sys

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json, text

app = Sanic("bare_baseline")


@app.get("/")
async def health(_: Request) -> HTTPResponse:
    return text("ok")


@app.post("/webhooks/rest/webhook")
async def webhook(request: Request) -> HTTPResponse:
    return json([{"recipient_id": request.json["sender"], "text": "好的"}])


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, motd=False)
