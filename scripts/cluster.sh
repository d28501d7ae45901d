#!/usr/bin/env bash
# DigitLab as a cluster on one machine: a private PostgreSQL, N stateless
# digitlab-server replicas sharing it, and nginx in front.
#
#   scripts/cluster.sh up [--replicas N] [--port P] [--dir DIR] [--data NAME=DIR]... [--no-seed]
#                         [--job-lease S]
#   scripts/cluster.sh status | down | restart   (restart: one replica at a time)
#   scripts/cluster.sh replica start|stop|kill I
#   scripts/cluster.sh reset                      (erases every model and job: tests)
#
# Ports: nginx P (default 8080), PostgreSQL P+1, replicas P+2 ... P+1+N.
# Everything lives in DIR (default /var/lib/digitlab/cluster as root, else
# ~/.local/state/digitlab/cluster): the release the replicas and nginx serve
# (binary, web app, data), PostgreSQL's data, logs and pid files. PostgreSQL,
# the replicas and nginx run as an unprivileged user ("digitlab", created when
# run as root): PostgreSQL refuses to run as root, and the others need not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[cluster] %s\n' "$*"; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }

command=${1:-}
[ -n "$command" ] || die "usage: scripts/cluster.sh up|down|status|restart|replica|reset [options] (see the top of this file)"
shift
replicas=3
port=8080
seed=1
job_lease=10
data=()
if [ "$(id -u)" = 0 ]; then dir=/var/lib/digitlab/cluster; else dir=${XDG_STATE_HOME:-$HOME/.local/state}/digitlab/cluster; fi
dir=${DIGITLAB_CLUSTER_DIR:-$dir}
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --data) data+=("$2"); shift 2 ;;
    --no-seed) seed=0; shift ;;
    --job-lease) job_lease=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[[ "$replicas" =~ ^[1-9][0-9]?$ ]] || die "--replicas needs 1 to 99, got '$replicas'"
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65000 ] || die "--port needs 1024 to 65000, got '$port'"

env_file=$dir/cluster.env
# A running cluster's settings win over the defaults for every other command.
if [ "$command" != up ] && [ -f "$env_file" ]; then
  # shellcheck disable=SC1090
  . "$env_file"
fi
pg_port=$((port + 1))
replica_port() { echo $((port + 1 + $1)); }  # replica-1 on P+2
url="http://127.0.0.1:$port"

# --- who runs the services ------------------------------------------------------
service_user=$(id -un)
if [ "$(id -u)" = 0 ]; then service_user=digitlab; fi
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(setpriv --reuid="$service_user" --regid="$service_user" --init-groups --); fi
as_service() { "${run_as[@]}" "$@"; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
pg_env() { PGPASSFILE=$dir/secrets/pgpass PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=digitlab "$@"; }
db_url() { echo "postgresql://digitlab@127.0.0.1:$pg_port/digitlab?connect_timeout=5"; }

install_packages() {
  local packages=(postgresql nginx curl) missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root once, or apt-get install them)"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ "$(id -u)" = 0 ] && ! id "$service_user" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$service_user"
  fi
}

# The pid on a pid file's first line (PostgreSQL's postmaster.pid has more lines) is running.
pid_alive() { [ -f "$1" ] && kill -0 "$(head -1 "$1")" 2>/dev/null; }

wait_healthy() {  # URL, seconds
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    curl -sf -o /dev/null --max-time 2 "$1/api/health" && return 0
    sleep 0.2
  done
  return 1
}

# --- PostgreSQL ------------------------------------------------------------------
postgres_start() {
  local bin; bin=$(pg_bin)
  [ -n "$bin" ] || die "no PostgreSQL binaries under /usr/lib/postgresql"
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    log "initdb (PostgreSQL data in $dir/pg)"
    as_service "$bin/initdb" -D "$dir/pg" -U digitlab --auth=scram-sha-256 --pwfile="$dir/secrets/password" \
      -E UTF8 --locale=C.UTF-8 >"$dir/logs/initdb.log" 2>&1 || die "initdb failed: see $dir/logs/initdb.log"
  fi
  pid_alive "$dir/pg/postmaster.pid" && return 0
  # Loopback only; the socket lives in the cluster's folder. fsync and
  # synchronous_commit stay on: an acknowledged version is on disk.
  as_service "$bin/pg_ctl" -D "$dir/pg" -l "$dir/logs/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$dir/run -c max_connections=200" \
    >/dev/null || die "PostgreSQL did not start: see $dir/logs/postgres.log"
  if ! pg_env "$bin/psql" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'digitlab'" | grep -q 1; then
    pg_env "$bin/createdb" digitlab
  fi
}

postgres_stop() {
  local bin; bin=$(pg_bin)
  [ -f "$dir/pg/postmaster.pid" ] && as_service "$bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1 || true
}

# --- replicas --------------------------------------------------------------------
replica_start() {  # index
  local i=$1 p; p=$(replica_port "$i")
  pid_alive "$dir/run/replica-$i.pid" && return 0
  local args=(--host 127.0.0.1 --port "$p" --db "$(db_url)" --web "$dir/release/web" --name "replica-$i"
    --job-lease "$job_lease")
  local name
  while read -r name; do args+=(--data "$name=$dir/release/data/$name"); done <"$dir/release/datasets"
  # env and setpriv exec: the pid file holds the server's own pid.
  env PGPASSFILE="$dir/secrets/pgpass" "${run_as[@]}" "$dir/release/bin/digitlab-server" "${args[@]}" \
    >>"$dir/logs/replica-$i.log" 2>&1 </dev/null &
  echo $! >"$dir/run/replica-$i.pid"
  wait_healthy "http://127.0.0.1:$p" 60 || die "replica $i did not become healthy: see $dir/logs/replica-$i.log"
}

replica_stop() {  # index [signal]
  local i=$1 signal=${2:-TERM} pidfile="$dir/run/replica-$1.pid"
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# --- nginx -------------------------------------------------------------------------
# Writes nginx.conf from deploy/nginx.conf.in and starts nginx, or reloads it
# (gracefully: old workers finish their requests). A replica index as the
# argument marks that replica down: nginx sends it nothing new.
nginx_start() {
  local drained=${1:-} upstreams="" i state
  for ((i = 1; i <= replicas; i++)); do
    state=""
    if [ "$i" = "$drained" ]; then state=" down"; fi
    upstreams+="        server 127.0.0.1:$(replica_port "$i") max_fails=1 fail_timeout=2s$state;"$'\n'
  done
  mkdir -p "$dir"/nginx/{body,proxy,fastcgi,uwsgi,scgi,cache}
  chown -R "$service_user" "$dir/nginx"
  local conf=$dir/nginx/nginx.conf
  awk -v dir="$dir" -v port="$port" -v ups="$upstreams" -v body="64m" '
    /@UPSTREAMS@/ { printf "%s", ups; next }
    { gsub(/@DIR@/, dir); gsub(/@PORT@/, port); gsub(/@MAX_BODY@/, body); print }' \
    "$root/deploy/nginx.conf.in" >"$conf"
  as_service /usr/sbin/nginx -t -q -c "$conf" -e "$dir/logs/nginx-error.log" || die "nginx rejected $conf"
  if pid_alive "$dir/run/nginx.pid"; then
    as_service /usr/sbin/nginx -c "$conf" -e "$dir/logs/nginx-error.log" -s reload
  else
    as_service /usr/sbin/nginx -c "$conf" -e "$dir/logs/nginx-error.log"
  fi
}

nginx_stop() {
  pid_alive "$dir/run/nginx.pid" || return 0
  local pid; pid=$(cat "$dir/run/nginx.pid")
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null || true
}

# --- the release the cluster serves --------------------------------------------------
install_release() {
  local bin=$root/build/native/bin/digitlab-server
  [ -x "$bin" ] || die "no $bin: run scripts/build.sh (or scripts/test.sh) first"
  rm -rf "$dir/release.new"
  mkdir -p "$dir/release.new/bin" "$dir/release.new/data"
  cp "$bin" "$dir/release.new/bin/"
  if [ -d "$root/build/web" ]; then cp -r "$root/build/web" "$dir/release.new/web"; else mkdir "$dir/release.new/web"; fi
  local spec name src
  if [ ${#data[@]} -eq 0 ] && [ -f "$dir/release/datasets" ]; then
    # No --data: the data sets the cluster serves already stay.
    rmdir "$dir/release.new/data"
    mv "$dir/release/data" "$dir/release.new/data"
    mv "$dir/release/datasets" "$dir/release.new/datasets"
  elif [ ${#data[@]} -eq 0 ]; then
    data=("mnist=$root/data/mnist")
  fi
  for spec in "${data[@]}"; do
    if [[ "$spec" == *=* ]]; then name=${spec%%=*}; src=${spec#*=}; else name=$(basename "$spec"); src=$spec; fi
    [ -d "$src" ] || die "no data folder $src"
    cp -rL "$src" "$dir/release.new/data/$name"
    echo "$name" >>"$dir/release.new/datasets"  # in the order given: the first is the default
  done
  rm -rf "$dir/release"
  mv "$dir/release.new" "$dir/release"
  chown -R "$service_user" "$dir/release"
}

write_env() {
  cat >"$env_file" <<ENV
port=$port
replicas=$replicas
job_lease=$job_lease
ENV
}

cmd_up() {
  install_packages
  mkdir -p "$dir"/{logs,run,secrets}
  chmod 755 "$dir"
  if [ ! -f "$dir/secrets/password" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/secrets/password"
  fi
  echo "127.0.0.1:$pg_port:*:digitlab:$(cat "$dir/secrets/password")" >"$dir/secrets/pgpass"
  chmod 700 "$dir/secrets"
  chmod 600 "$dir"/secrets/*
  chown -R "$service_user" "$dir/logs" "$dir/run" "$dir/secrets"
  mkdir -p "$dir/pg"
  chown "$service_user" "$dir/pg"
  chmod 700 "$dir/pg"
  install_release
  write_env
  postgres_start
  local i
  for ((i = 1; i <= replicas; i++)); do replica_start "$i" & done
  wait
  for ((i = 1; i <= replicas; i++)); do pid_alive "$dir/run/replica-$i.pid" || die "replica $i did not start"; done
  nginx_start
  wait_healthy "$url" 30 || die "nginx does not answer on $url"
  seed_default_model
  echo
  echo "DigitLab cluster: $replicas replica(s) behind nginx at $url/  (scripts/cluster.sh status | down)"
}

# A first-time visitor can draw at once: the `default` model, trained and
# stored through nginx as scripts/run.sh does (scripts/seed_default.sh), on
# the first data set, when the store has none.
seed_default_model() {
  [ "$seed" = 1 ] || return 0
  "$root/scripts/seed_default.sh" "$url" "$dir/release/data/$(head -1 "$dir/release/datasets")"
}

cmd_status() {
  local i p state
  [ -f "$env_file" ] || { echo "no cluster in $dir"; return 1; }
  if [ -f "$dir/pg/postmaster.pid" ] && pg_env "$(pg_bin)/pg_isready" -q; then state=up; else state=down; fi
  printf '%-12s %-6s %s\n' postgresql "$state" "127.0.0.1:$pg_port ($dir/pg)"
  for ((i = 1; i <= replicas; i++)); do
    p=$(replica_port "$i")
    if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$p/api/health"; then state=up; else state=down; fi
    printf '%-12s %-6s %s\n' "replica-$i" "$state" "127.0.0.1:$p pid $(cat "$dir/run/replica-$i.pid" 2>/dev/null || echo -)"
  done
  if pid_alive "$dir/run/nginx.pid" && curl -sf -o /dev/null --max-time 2 "$url/api/health"; then state=up; else state=down; fi
  printf '%-12s %-6s %s\n' nginx "$state" "$url/"
}

cmd_down() {
  [ -f "$env_file" ] || { log "no cluster in $dir"; return 0; }
  nginx_stop
  local i
  for ((i = 1; i <= replicas; i++)); do replica_stop "$i" & done
  wait
  postgres_stop
  log "stopped (data kept in $dir)"
}

# One replica at a time, each drained first (marked down in nginx, whose old
# workers finish what they sent it) and back and healthy before the next
# goes: nginx sends requests to the others meanwhile.
cmd_restart() {
  install_release
  local i
  for ((i = 1; i <= replicas; i++)); do
    nginx_start "$i"
    sleep 1
    replica_stop "$i"
    replica_start "$i"
    log "replica-$i restarted"
  done
  nginx_start
}

cmd_replica() {
  local action=${positional[0]:-} i=${positional[1]:-}
  [[ "$i" =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le "$replicas" ] || die "replica index 1 to $replicas, got '$i'"
  case "$action" in
    start) replica_start "$i" ;;
    stop) replica_stop "$i" ;;
    kill) replica_stop "$i" KILL ;;
    *) die "replica start|stop|kill I" ;;
  esac
}

# Erases every model, version and job: a fresh database and fresh replicas
# (their weight caches trust versions never to change). For tests.
cmd_reset() {
  local i
  for ((i = 1; i <= replicas; i++)); do replica_stop "$i" KILL & done
  wait
  pg_env "$(pg_bin)/psql" -q -d postgres -c "DROP DATABASE IF EXISTS digitlab WITH (FORCE)" -c "CREATE DATABASE digitlab"
  for ((i = 1; i <= replicas; i++)); do replica_start "$i" & done
  wait
  for ((i = 1; i <= replicas; i++)); do pid_alive "$dir/run/replica-$i.pid" || die "replica $i did not start"; done
}

case "$command" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  restart) cmd_restart ;;
  replica) cmd_replica ;;
  reset) cmd_reset ;;
  *) die "unknown command '$command' (up, down, status, restart, replica, reset)" ;;
esac
