#!/usr/bin/env bash
# Set up, train if the data changed, and run the assistant on localhost:
# the action server, the Rasa server (HTTP API with token auth, REST and web chat channels) and
# the agent console with the job worker. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
source scripts/lib.sh

RASA_PORT=${RASA_PORT:-5005}
CONSOLE_PORT=${CONSOLE_PORT:-5006}
HOST=${HOST:-127.0.0.1}
LOG_DIR=var/logs
mkdir -p "$LOG_DIR"

echo "==> Preparing the complaint database and the stored conversations"
python -m bot migrate
python -m bot migrate-sender-ids

echo "==> Checking the configuration (domain.yml, data/, config/)"
python -m bot.config_check

echo "==> Checking the model"
model=$(python scripts/train_if_changed.py)

ensure_rasa_token
export RASA_URL="http://127.0.0.1:$RASA_PORT" CONSOLE_PORT

ensure_demo_agent var/demo_agent_password

trap 'stop; exit 0' INT TERM
trap stop EXIT

echo "==> Starting the action server on 127.0.0.1:$ACTION_PORT (log: var/logs/actions.log)"
python -m actions --port "$ACTION_PORT" > var/logs/actions.log 2>&1 &
pids+=($!)
echo "==> Starting the Rasa server (log: var/logs/rasa.log)"
python -m rasa_ext run --enable-api --auth-token="$RASA_TOKEN" --jwt-secret="$RASA_TOKEN" --model "$model" -i "$HOST" --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml > var/logs/rasa.log 2>&1 &
pids+=($!)

printf "    loading the model"
wait_for "http://127.0.0.1:$RASA_PORT/status" '"model_file"' rasa

echo "==> Starting the agent console and job worker (log: var/logs/console.log)"
python -m bot console --host "$HOST" --port "$CONSOLE_PORT" > var/logs/console.log 2>&1 &
pids+=($!)
printf "    starting"
wait_for "http://127.0.0.1:$CONSOLE_PORT/agent/login" "<form"

cat <<MSG

  The complaint assistant is running.
    Web chat:        http://localhost:$RASA_PORT/webchat
    REST channel:    POST http://localhost:$RASA_PORT/webhooks/rest/webhook  {"sender": "...", "message": "..."}
                     (from this machine; with REST_CHANNEL_TOKEN set: -H "Authorization: Bearer \$REST_CHANNEL_TOKEN")
    Rasa HTTP API:   http://localhost:$RASA_PORT  (token: var/rasa_token or \$RASA_TOKEN)
    Agent console:   http://localhost:$CONSOLE_PORT/agent  (add agents: python -m bot agent add NAME --name 显示名)
${demo_note:+$demo_note
}    Logs:            var/logs/
  Press Ctrl-C to stop.

MSG
wait_servers
