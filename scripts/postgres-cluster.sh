#!/usr/bin/env bash
# Runs a throwaway PostgreSQL server for the tests that need one (Database:Provider=PostgreSql).
#   bash scripts/postgres-cluster.sh start    prints one line, the Npgsql connection string:
#       Host=127.0.0.1;Port=PORT;Username=loyalty;Password=loyalty;Database=postgres
#   bash scripts/postgres-cluster.sh status   prints that line when the server runs, exits 1 otherwise
#   bash scripts/postgres-cluster.sh stop     stops the server and deletes its folder (nothing running is fine)
# Installs Debian's postgresql package when no server is found. The server lives in a mktemp folder,
# listens on 127.0.0.1 only, on a free port, trusts local connections and is tuned for speed, not safety.
# Role loyalty is a superuser: the tests create and drop databases and use templates.
# A second start reuses the running server. State: ${PG_CLUSTER_STATE:-/tmp/loyaltyconsole-pg/state}.
# Only the connection string goes to stdout; every other message goes to stderr.
set -euo pipefail

STATE_FILE="${PG_CLUSTER_STATE:-/tmp/loyaltyconsole-pg/state}"
TEMP_PREFIX="loyaltyconsole-pg."
# The environment must not redirect our own client calls elsewhere.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS PGSSLMODE PGDATA PGPASSWORD PGPASSFILE

fail() { echo "postgres-cluster: $*" >&2; exit 1; }
say() { echo "postgres-cluster: $*" >&2; }

usage() { fail "usage: $0 start|stop|status"; }

connection_string() { echo "Host=127.0.0.1;Port=$1;Username=loyalty;Password=loyalty;Database=postgres"; }

# The newest /usr/lib/postgresql/*/bin that holds initdb, pg_ctl and postgres, or nothing.
find_bin_dir() {
    local dir best=""
    while IFS= read -r dir; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then best="$dir"; fi
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
    echo "$best"
}

install_postgresql() {
    say "no PostgreSQL server found under /usr/lib/postgresql; installing Debian's postgresql package..."
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "installing postgresql needs root, and sudo is not available"
        if [ -t 0 ]; then sudo=(sudo); else sudo=(sudo -n); fi
    fi
    command -v apt-get >/dev/null || fail "apt-get not found: install PostgreSQL (initdb, pg_ctl) under /usr/lib/postgresql yourself"
    # env, not export: sudo resets the environment.
    local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
    # Update the package lists only when the install cannot proceed with the ones there are.
    if ! "${apt[@]}" install -y -qq postgresql >/dev/null 2>&1; then
        "${apt[@]}" update -qq >&2 || fail "apt-get update failed"
        "${apt[@]}" install -y -qq postgresql >&2 || fail "apt-get install postgresql failed"
    fi
}

# run_as USER COMMAND...: runs COMMAND as USER from /, with only stdin, stdout and stderr open:
# the server outlives this script and must hold neither the lock nor a caller's pipe.
run_as() {
    local user="$1"; shift
    (
        cd /
        for fd in /proc/"$BASHPID"/fd/*; do
            fd="${fd##*/}"
            if [[ "$fd" =~ ^[0-9]+$ ]] && [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
        done
        if [ "$(id -un)" = "$user" ]; then exec "$@"; else exec runuser -u "$user" -- "$@"; fi
    )
}

# The value of KEY in the state file, or nothing.
state_get() {
    [ -f "$STATE_FILE" ] || return 0
    sed -n "s/^$1=//p" "$STATE_FILE" | head -n 1
}

# Succeeds when the server the state file describes runs and accepts connections.
state_running() {
    [ -f "$STATE_FILE" ] || return 1
    local data_dir bin_dir run_as_user port
    data_dir="$(state_get data_dir)"; bin_dir="$(state_get bin_dir)"
    run_as_user="$(state_get run_as)"; port="$(state_get port)"
    [ -n "$data_dir" ] && [ -n "$bin_dir" ] && [ -n "$run_as_user" ] && [ -n "$port" ] || return 1
    [ -f "$data_dir/postmaster.pid" ] || return 1
    run_as "$run_as_user" "$bin_dir/pg_ctl" status -D "$data_dir" >/dev/null 2>&1 || return 1
    "$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 5 >/dev/null 2>&1
}

# Deletes a folder this script made, and nothing else.
remove_temp_dir() {
    local dir="$1"
    case "$(basename "$dir")" in
        "$TEMP_PREFIX"*) rm -rf -- "$dir" ;;
        *) [ -z "$dir" ] || say "not deleting $dir: it is not a folder this script made" ;;
    esac
}

# Stops the server the state file describes, if any, and deletes its folder and the state file.
stop_cluster() {
    if [ ! -f "$STATE_FILE" ]; then
        say "nothing to stop (no $STATE_FILE)"
        return 0
    fi
    local temp_dir data_dir bin_dir run_as_user
    temp_dir="$(state_get temp_dir)"; data_dir="$(state_get data_dir)"
    bin_dir="$(state_get bin_dir)"; run_as_user="$(state_get run_as)"
    if [ -n "$data_dir" ] && [ -f "$data_dir/postmaster.pid" ] && [ -x "$bin_dir/pg_ctl" ]; then
        if run_as "$run_as_user" "$bin_dir/pg_ctl" status -D "$data_dir" >/dev/null 2>&1; then
            say "stopping the server in $data_dir..."
            if ! run_as "$run_as_user" "$bin_dir/pg_ctl" stop -D "$data_dir" -m fast -w -t 60 >&2; then
                run_as "$run_as_user" "$bin_dir/pg_ctl" stop -D "$data_dir" -m immediate -w -t 30 >&2 \
                    || fail "could not stop the server in $data_dir; left it and $STATE_FILE in place"
            fi
        fi
    fi
    remove_temp_dir "$temp_dir"
    rm -f -- "$STATE_FILE"
    say "stopped; deleted ${temp_dir:-nothing} and $STATE_FILE"
}

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    else
        echo $((20000 + RANDOM % 40000))
    fi
}

start_cluster() {
    if state_running; then
        say "reusing the server already running in $(state_get data_dir)"
        connection_string "$(state_get port)"
        return 0
    fi
    if [ -f "$STATE_FILE" ]; then
        say "the server in $STATE_FILE is gone; cleaning up after it"
        stop_cluster
    fi

    local bin_dir
    bin_dir="$(find_bin_dir)"
    if [ -z "$bin_dir" ]; then
        install_postgresql
        bin_dir="$(find_bin_dir)"
        [ -n "$bin_dir" ] || fail "postgresql is installed but no initdb/pg_ctl/postgres found under /usr/lib/postgresql/*/bin"
    fi

    local run_as_user
    if [ "$(id -u)" -eq 0 ]; then
        run_as_user="postgres"   # the server refuses to run as root; the package creates this user
        id "$run_as_user" >/dev/null 2>&1 || fail "user $run_as_user does not exist (it comes with Debian's postgresql-common package)"
        command -v runuser >/dev/null || fail "runuser (util-linux) is needed to run the server as $run_as_user"
    else
        run_as_user="$(id -un)"
    fi

    local temp_dir
    temp_dir="$(mktemp -d -t "${TEMP_PREFIX}XXXXXXXX")" || fail "mktemp -d failed"
    # From here on, a failure deletes what was made.
    trap 'run_as "'"$run_as_user"'" "'"$bin_dir"'/pg_ctl" stop -D "'"$temp_dir"'/data" -m immediate >/dev/null 2>&1 || true; remove_temp_dir "'"$temp_dir"'"' EXIT
    if [ "$run_as_user" != "$(id -un)" ]; then chown "$run_as_user:" "$temp_dir"; fi
    chmod 700 "$temp_dir"
    run_as "$run_as_user" test -w "$temp_dir" \
        || fail "$run_as_user cannot write to $temp_dir; point TMPDIR to a folder $run_as_user can reach"

    local pg_locale="C"
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then pg_locale="C.UTF-8"; fi
    local data_dir="$temp_dir/data"
    say "initdb into $data_dir as $run_as_user with $bin_dir..."
    if ! run_as "$run_as_user" "$bin_dir/initdb" -D "$data_dir" --username=postgres \
        --auth-local=trust --auth-host=trust --encoding=UTF8 --locale="$pg_locale" --no-sync >"$temp_dir/initdb.log" 2>&1; then
        cat "$temp_dir/initdb.log" >&2
        fail "initdb failed"
    fi

    # A port can be taken between choosing and binding it; try a few.
    local port="" attempt
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        run_as "$run_as_user" tee "$data_dir/postgresql.auto.conf" >/dev/null <<EOF
# Written by scripts/postgres-cluster.sh: a throwaway server for tests.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$temp_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 256MB
EOF
        say "starting the server on 127.0.0.1:$port..."
        if run_as "$run_as_user" "$bin_dir/pg_ctl" start -D "$data_dir" -l "$temp_dir/server.log" -w -t 60 >&2; then
            break
        fi
        say "the server did not start (attempt $attempt); its log ends with:"
        tail -n 20 "$temp_dir/server.log" >&2 || true
        port=""
    done
    [ -n "$port" ] || fail "could not start PostgreSQL; see the messages above"

    local waited=0
    until "$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1; do
        waited=$((waited + 1))
        [ "$waited" -lt 60 ] || fail "the server on port $port is not ready after 60 s"
        sleep 1
    done

    "$bin_dir/psql" -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$port user=postgres dbname=postgres" \
        -c "CREATE ROLE loyalty WITH LOGIN SUPERUSER PASSWORD 'loyalty'" >&2 \
        || fail "could not create role loyalty"

    local cs
    cs="$(connection_string "$port")"
    mkdir -p "$(dirname "$STATE_FILE")"
    cat >"$STATE_FILE.tmp" <<EOF
temp_dir=$temp_dir
data_dir=$data_dir
bin_dir=$bin_dir
run_as=$run_as_user
port=$port
connection_string=$cs
EOF
    mv -f "$STATE_FILE.tmp" "$STATE_FILE"
    trap - EXIT
    say "PostgreSQL $("$bin_dir/postgres" --version | awk '{print $3}') runs in $temp_dir on 127.0.0.1:$port (stop: bash scripts/postgres-cluster.sh stop)"
    echo "$cs"
}

[ $# -eq 1 ] || usage

# One invocation at a time: two starts must not make two servers.
mkdir -p "$(dirname "$STATE_FILE")" || fail "cannot create $(dirname "$STATE_FILE")"
exec 9>"$STATE_FILE.lock" || fail "cannot open $STATE_FILE.lock"
if command -v flock >/dev/null; then flock -w 300 9 || fail "another postgres-cluster.sh holds $STATE_FILE.lock"; fi

case "$1" in
    start) start_cluster ;;
    stop) stop_cluster ;;
    status)
        if state_running; then
            connection_string "$(state_get port)"
        else
            say "not running"
            exit 1
        fi
        ;;
    *) usage ;;
esac
