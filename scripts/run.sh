#!/usr/bin/env bash
# Set up, train if the data changed, and run the assistant on localhost:
# the action server, the Rasa server (HTTP API with token auth, REST and web chat channels) and
# the agent console with the job worker. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

RASA_PORT=${RASA_PORT:-5005}
CONSOLE_PORT=${CONSOLE_PORT:-5006}
HOST=${HOST:-127.0.0.1}
mkdir -p var/logs

echo "==> Preparing the complaint database"
python -m bot migrate

echo "==> Checking the model"
model=$(python scripts/train_if_changed.py)

if [ -z "${RASA_TOKEN:-}" ]; then
  [ -s var/rasa_token ] || python -c 'import secrets; print(secrets.token_urlsafe(24))' > var/rasa_token
  RASA_TOKEN=$(cat var/rasa_token)
fi
export RASA_URL="http://127.0.0.1:$RASA_PORT" RASA_TOKEN CONSOLE_PORT

# A first run has no agent to log in with: make `demo`, its password in a file only we can read.
if [ -z "$(python -m bot agent list 2>/dev/null)" ]; then
  echo "==> Creating the console agent 'demo' (password in var/demo_agent_password)"
  (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(12))' > var/demo_agent_password)
  chmod 600 var/demo_agent_password
  python -m bot agent add demo --name 演示专员 --password-stdin < var/demo_agent_password
fi
demo_note=""
[ -s var/demo_agent_password ] && demo_note="    Console login:   demo, password in var/demo_agent_password"

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "==> Stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "==> Stopped"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

echo "==> Starting the action server (log: var/logs/actions.log)"
rasa run actions --actions actions --port 5055 > var/logs/actions.log 2>&1 &
pids+=($!)
echo "==> Starting the Rasa server (log: var/logs/rasa.log)"
rasa run --enable-api --auth-token="$RASA_TOKEN" --model "$model" -i "$HOST" --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml > var/logs/rasa.log 2>&1 &
pids+=($!)

# Wait until `url` answers (GET); stop with the logs if a server exits meanwhile.
wait_for() {
  until curl -fs "$1" 2>/dev/null | grep -q "$2"; do
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo; echo "error: a server stopped; see var/logs/"; tail -n 20 var/logs/*.log; exit 1; }
    done
    printf "."; sleep 2
  done
  echo
}
printf "    loading the model"
wait_for "http://127.0.0.1:$RASA_PORT/status?token=$RASA_TOKEN" '"model_file"'

echo "==> Starting the agent console and job worker (log: var/logs/console.log)"
python -m bot console --host "$HOST" --port "$CONSOLE_PORT" > var/logs/console.log 2>&1 &
pids+=($!)
printf "    starting"
wait_for "http://127.0.0.1:$CONSOLE_PORT/agent/login" "<form"

cat <<MSG

  The complaint assistant is running.
    Web chat:        http://localhost:$RASA_PORT/webchat
    REST channel:    POST http://localhost:$RASA_PORT/webhooks/rest/webhook  {"sender": "...", "message": "..."}
    Rasa HTTP API:   http://localhost:$RASA_PORT  (token: var/rasa_token or \$RASA_TOKEN)
    Agent console:   http://localhost:$CONSOLE_PORT/agent  (add agents: python -m bot agent add NAME --name 显示名)
${demo_note:+$demo_note
}    Logs:            var/logs/
  Press Ctrl-C to stop.

MSG
# Ctrl-C reaches the servers too, and they may exit before this script's trap runs: a server
# that exited cleanly or on SIGINT/SIGTERM was asked to stop; any other exit is a crash.
set +e
wait -n "${pids[@]}"
code=$?
case $code in
  0|130|143) exit 0 ;;
  *) echo "error: a server stopped unexpectedly (exit $code); see var/logs/" >&2; exit 1 ;;
esac
