#!/usr/bin/env bash
# Run the web server (gunicorn, gthread workers, static files by whitenoise) and the Huey job consumer
# together; print the URL and the demo logins once the site answers. Ctrl-C stops both, and so does
# either one exiting. Used by `make run` (DEBUG=0) and `make dev` (DEBUG=1, WEB_RELOAD=1: reload on code
# changes); production runs the two processes separately (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-2}
WEB_THREADS=${WEB_THREADS:-8}
PY=.venv/bin/python
# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every checkout on the machine:
# keep one per checkout (and per port) under var/.
CONTROL_SOCKET=${CONTROL_SOCKET:-$PWD/var/gunicorn-$PORT.ctl}
reload=()
[ "${WEB_RELOAD:-0}" = 1 ] && reload=(--reload)

case "$HOST" in
  0.0.0.0 | :: ) browse_host=127.0.0.1; default_hosts="*" ;;
  *:*) browse_host="[$HOST]"; default_hosts="127.0.0.1,localhost,[::1],[$HOST]" ;;
  *) browse_host=$HOST; default_hosts="127.0.0.1,localhost,[::1],$HOST" ;;
esac
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-$default_hosts}
url="http://$browse_host:$PORT/"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop INT TERM EXIT

.venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" \
  --worker-class gthread --workers "$WEB_WORKERS" --threads "$WEB_THREADS" \
  --graceful-timeout 5 --access-logfile - --control-socket "$CONTROL_SOCKET" ${reload[@]+"${reload[@]}"} &
pids+=($!)
"$PY" manage.py run_huey &
pids+=($!)

for _ in $(seq 1 60); do
  if "$PY" scripts/wait_http.py "$url" 2>/dev/null; then
    echo
    echo "Shouhou is running at $url  (Ctrl-C stops the web server and the job consumer)"
    "$PY" manage.py demo_logins
    break
  fi
  sleep 1
done

# Whichever process ends first (or Ctrl-C), the trap stops the other.
wait -n "${pids[@]}"
