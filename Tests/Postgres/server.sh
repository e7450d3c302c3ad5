#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, in a folder of its own.
#
#   Tests/Postgres/server.sh start DIR [PORT]   # prints the URL to export as TIERSYNC_TEST_POSTGRES
#   Tests/Postgres/server.sh stop DIR
#
# Needs Debian's postgresql package (initdb, pg_ctl). As root, the server runs as the
# postgres user, for initdb refuses root.
set -euo pipefail
action="${1:?start or stop}"
dir="${2:?a folder for the server}"
port="${3:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -U tiersync --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" start >/dev/null
    as_owner "$bin/psql" -h "$dir" -p "$port" -U tiersync -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = 'tiersync_test'" | grep -q 1 ||
        as_owner "$bin/createdb" -h "$dir" -p "$port" -U tiersync tiersync_test
    echo "postgresql://tiersync@127.0.0.1:$port/tiersync_test"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    ;;
*)
    echo "start or stop, not $action" >&2
    exit 2
    ;;
esac
