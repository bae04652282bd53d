#!/usr/bin/env bash
# The scale-out setup on this machine (deploy/README.md): N Rasa servers and 2 action servers
# behind nginx (round-robin, no sticky sessions), conversations locked in Redis, trackers and
# complaints in PostgreSQL, and one agent console with its job worker. Ctrl-C stops everything.
#
# Environment (defaults in brackets): RASA_INSTANCES [2] or RASA_PORTS ["5101 5102"],
# ACTION_PORTS ["5201 5202"], LB_PORT [5080], ACTIONS_LB_PORT [5200], CONSOLE_PORT [5006],
# HOST [127.0.0.1], SCALE_DIR [var/scale: rendered config, logs], RASA_TOKEN [var/rasa_token],
# REST_CHANNEL_TOKEN [var/rest_token: the REST channel answers only requests carrying it];
# POSTGRES_HOST [127.0.0.1], POSTGRES_PORT [5432], POSTGRES_USER [postgres], POSTGRES_PASSWORD,
# POSTGRES_DB [complaints_scale, created if missing: trackers, and complaints unless
# DATABASE_URL says otherwise]; REDIS_HOST [127.0.0.1], REDIS_PORT [6379], REDIS_DB [1],
# REDIS_PASSWORD, REDIS_KEY_PREFIX [complaints: of the conversation locks], REDIS_URL [made of
# those: the channels' shared state].
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --scale
source scripts/env.sh
source scripts/lib.sh

HOST=${HOST:-127.0.0.1}
RASA_INSTANCES=${RASA_INSTANCES:-2}
RASA_PORTS=${RASA_PORTS:-$(seq -s ' ' 5101 $((5100 + RASA_INSTANCES)))}
ACTION_PORTS=${ACTION_PORTS:-5201 5202}
LB_PORT=${LB_PORT:-5080}
ACTIONS_LB_PORT=${ACTIONS_LB_PORT:-5200}
CONSOLE_PORT=${CONSOLE_PORT:-5006}
SCALE_DIR=$(realpath -m "${SCALE_DIR:-var/scale}")
LOG_DIR=$SCALE_DIR/logs
export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1} POSTGRES_PORT=${POSTGRES_PORT:-5432}
export POSTGRES_USER=${POSTGRES_USER:-postgres} POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
export POSTGRES_DB=${POSTGRES_DB:-complaints_scale}
tracker_db_url=postgresql://$POSTGRES_USER${POSTGRES_PASSWORD:+:$POSTGRES_PASSWORD}@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB
export DATABASE_URL=${DATABASE_URL:-$tracker_db_url}
export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379} REDIS_DB=${REDIS_DB:-1}
export REDIS_PASSWORD=${REDIS_PASSWORD:-} REDIS_KEY_PREFIX=${REDIS_KEY_PREFIX:-complaints}
# The channels' shared state (WeChat/Telegram deduplication, tokens) in the same Redis.
export REDIS_URL=${REDIS_URL:-redis://${REDIS_PASSWORD:+:$REDIS_PASSWORD@}$REDIS_HOST:$REDIS_PORT/$REDIS_DB}
export ACTION_ENDPOINT_URL=http://127.0.0.1:$ACTIONS_LB_PORT/webhook
export RASA_URL=http://$HOST:$LB_PORT CONSOLE_PORT
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
mkdir -p "$LOG_DIR" "$SCALE_DIR/nginx-temp"

echo "==> Checking Redis and PostgreSQL (creating missing databases)"
python - "$tracker_db_url" "$DATABASE_URL" <<'PY'
import os, sys
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

redis.Redis(host=os.environ["REDIS_HOST"], port=int(os.environ["REDIS_PORT"]),
            password=os.environ["REDIS_PASSWORD"] or None, socket_timeout=3).ping()
for url in map(make_url, sys.argv[1:]):
    if url.get_backend_name() != "postgresql":
        continue
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": url.database}).scalar():
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            print(f"    created database {url.database}")
    engine.dispose()
PY

echo "==> Preparing the complaint database and the stored conversations"
python -m bot migrate
python -m bot migrate-sender-ids --tracker-url "$tracker_db_url"

echo "==> Checking the model"
model=$(python scripts/train_if_changed.py)

ensure_rasa_token
ensure_rest_token  # nginx forwards from 127.0.0.1: without a token anyone reaching it could use REST
ensure_demo_agent "$SCALE_DIR/demo_agent_password"

# Write template $1 to $2, replacing ${NAME} by the value of each NAME given after them.
render() {
  local text out=$2 name
  text=$(<"$1")
  shift 2
  for name in "$@"; do text=${text//"\${$name}"/${!name}}; done
  printf '%s\n' "$text" > "$out"
}
echo "==> Writing the nginx configuration ($SCALE_DIR/nginx.conf)"
RASA_SERVERS=$(for port in $RASA_PORTS; do printf 'server 127.0.0.1:%s; ' "$port"; done)
ACTION_SERVERS=$(for port in $ACTION_PORTS; do printf 'server 127.0.0.1:%s; ' "$port"; done)
LB_LISTEN=$HOST:$LB_PORT ACTIONS_LISTEN=127.0.0.1:$ACTIONS_LB_PORT NGINX_LOG_DIR=$LOG_DIR
render deploy/nginx/balancer.conf.template "$SCALE_DIR/balancer.conf" \
  RASA_SERVERS ACTION_SERVERS LB_LISTEN ACTIONS_LISTEN NGINX_LOG_DIR
render deploy/nginx/local.conf.template "$SCALE_DIR/nginx.conf" SCALE_DIR NGINX_LOG_DIR
"$nginx_bin" -t -q -p "$SCALE_DIR" -c "$SCALE_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log"

trap 'stop; exit 0' INT TERM
trap stop EXIT

for port in $ACTION_PORTS; do
  echo "==> Starting an action server on port $port (log: $LOG_DIR/actions-$port.log)"
  python -m actions --port "$port" > "$LOG_DIR/actions-$port.log" 2>&1 &
  pids+=($!)
done
for port in $RASA_PORTS; do
  echo "==> Starting a Rasa server on port $port (log: $LOG_DIR/rasa-$port.log)"
  rasa run --enable-api --auth-token="$RASA_TOKEN" --jwt-secret="$RASA_TOKEN" --model "$model" -i "$HOST" --port "$port" \
    --endpoints deploy/endpoints.scale.yml --credentials credentials.yml > "$LOG_DIR/rasa-$port.log" 2>&1 &
  pids+=($!)
done
echo "==> Starting nginx on $HOST:$LB_PORT, actions on 127.0.0.1:$ACTIONS_LB_PORT (log: $LOG_DIR/nginx-error.log)"
"$nginx_bin" -p "$SCALE_DIR" -c "$SCALE_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" &
pids+=($!)

for port in $ACTION_PORTS; do
  printf "    action server %s" "$port"
  wait_for "http://127.0.0.1:$port/health" '"ok"'
done
for port in $RASA_PORTS; do
  printf "    Rasa server %s loading the model" "$port"
  wait_for "http://$HOST:$port/status" '"model_file"' rasa
done
printf "    nginx"
wait_for "$RASA_URL/status" '"model_file"' rasa

echo "==> Starting the agent console and job worker (log: $LOG_DIR/console.log)"
python -m bot console --host "$HOST" --port "$CONSOLE_PORT" > "$LOG_DIR/console.log" 2>&1 &
pids+=($!)
printf "    starting"
wait_for "http://$HOST:$CONSOLE_PORT/agent/login" "<form"

cat <<MSG

  The scale-out setup is running: Rasa servers on ports ${RASA_PORTS// /, }, action servers on ${ACTION_PORTS// /, }.
    Web chat:        http://$HOST:$LB_PORT/webchat
    REST channel:    POST http://$HOST:$LB_PORT/webhooks/rest/webhook  {"sender": "...", "message": "..."}
                     with -H "Authorization: Bearer <token>" (var/rest_token or \$REST_CHANNEL_TOKEN)
    Rasa HTTP API:   http://$HOST:$LB_PORT  (token: var/rasa_token or \$RASA_TOKEN)
    Agent console:   http://$HOST:$CONSOLE_PORT/agent
${demo_note:+$demo_note
}    Stores:          PostgreSQL $POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB, Redis locks $REDIS_HOST:$REDIS_PORT/$REDIS_DB
    Logs:            $LOG_DIR/ (nginx access.log names the instance of each request)
  Press Ctrl-C to stop.

MSG
wait_servers
