# Helpers of the run scripts (scripts/run.sh, scripts/scale_out.sh): sourced, not run.
# The caller adds its servers' PIDs to `pids` and sets LOG_DIR to where their logs go.
pids=()

# Ask the servers to stop and wait for them.
stop() {
  trap - INT TERM EXIT
  echo; echo "==> Stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "==> Stopped"
}

# The API token shared by the Rasa servers and the console: RASA_TOKEN, else var/rasa_token
# (made on the first run, readable by its owner only).
ensure_rasa_token() {
  if [ -z "${RASA_TOKEN:-}" ]; then
    [ -s var/rasa_token ] || (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(24))' > var/rasa_token)
    chmod 600 var/rasa_token
    RASA_TOKEN=$(cat var/rasa_token)
  fi
  export RASA_TOKEN
}

# The REST channel behind nginx needs a token (channels/rest.py): REST_CHANNEL_TOKEN, else the
# file var/rest_token, made once and readable by us only.
ensure_rest_token() {
  if [ -z "${REST_CHANNEL_TOKEN:-}" ]; then
    [ -s var/rest_token ] || (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(24))' > var/rest_token)
    REST_CHANNEL_TOKEN=$(cat var/rest_token)
  fi
  export REST_CHANNEL_TOKEN
}

# A first run has no agent to log in with: make `demo`, its password in file $1 only we can read.
# Sets `demo_note`, a line for the banner (empty without that file).
ensure_demo_agent() {
  if [ -z "$(python -m bot agent list 2>/dev/null)" ]; then
    echo "==> Creating the console agent 'demo' (password in $1)"
    (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(12))' > "$1")
    chmod 600 "$1"
    python -m bot agent add demo --name 演示专员 --password-stdin < "$1"
  fi
  demo_note=""
  if [ -s "$1" ]; then demo_note="    Console login:   demo, password in $1"; fi
}

# GET `url`; with `rasa` after it, signed for the Rasa HTTP API in a header (bot/rasa_api.py), so
# the token is in no URL, access log or command line.
fetch() {
  if [ "${2:-}" = rasa ]; then
    python -c 'import os; from bot.rasa_api import rasa_jwt; print("Authorization: Bearer", rasa_jwt(os.environ["RASA_TOKEN"]))' \
      | curl -fs -H @- "$1"
  else
    curl -fs "$1"
  fi
}

# Wait until `url` answers (GET, `fetch`: `rasa` as third argument signs it) with `pattern`; stop
# with the logs if a server exits meanwhile.
wait_for() {
  until fetch "$1" "${3:-}" 2>/dev/null | grep -q "$2"; do
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo; echo "error: a server stopped; see $LOG_DIR/"; tail -n 20 "$LOG_DIR"/*.log; exit 1; }
    done
    printf "."; sleep 2
  done
  echo
}

# Wait until a server exits. Ctrl-C reaches the servers too, and they may exit before the
# script's trap runs: a server that exited cleanly or on SIGINT/SIGTERM was asked to stop; any
# other exit is a crash.
wait_servers() {
  set +e
  wait -n "${pids[@]}"
  local code=$?
  case $code in
    0|130|143) exit 0 ;;
    *) echo "error: a server stopped unexpectedly (exit $code); see $LOG_DIR/" >&2; exit 1 ;;
  esac
}
