#!/usr/bin/env bash
# Generated requests against a live hub whose store is PostgreSQL, from SyncServer/openapi.yaml,
# with schemathesis: the routes that such a hub serves (enroll, push, pull, snapshot, status,
# files, reports, metrics, and the operators' pages), with a valid node and operator credential
# and without. Every response must conform to
# the document and none may be a server error.
#
#   Tests/Hostile/schemathesis-postgres.sh .build/debug/tiersync postgresql://USER@HOST:PORT/DB [examples]
#
# The URL names a server where the script may create a database (it drops it at the end).
set -euo pipefail
tiersync="$(realpath "$1")"
server_url="$2"
examples="${3:-40}"
spec="$(realpath "$(dirname "$0")/../../SyncServer/openapi.yaml")"
hooks="$(realpath "$(dirname "$0")")"
source "$hooks/generated-requests.sh"
work="$(mktemp -d)"
database="hostile_$$"
hub_url="${server_url%/*}/$database"
trap 'kill "$server" 2>/dev/null || true; psql "$server_url" -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true; rm -rf "$work"' EXIT
cd "$work"

psql "$server_url" -q -c "CREATE DATABASE $database"
"$tiersync" init --db "$hub_url" --org 520201 >/dev/null
code=$("$tiersync" enroll --db "$hub_url" --org 520201101 --json | sed 's/.*"code":"\([^"]*\)".*/\1/')
serve_and_enroll "$hub_url" "$code"
operator=$("$tiersync" operator add --db "$hub_url" --name 示例·值班 --json | sed 's/.*"credential":"\([^"]*\)".*/\1/')
# The operators' pages take a session: signed in with the operator credential, as in a browser.
session=$(curl -sS -o /dev/null -D - --data-urlencode "password=$operator" "$url/login" |
    sed -n 's/^[Ss]et-[Cc]ookie: tiersync_session=\([^;]*\);.*/\1/p')
[ -n "$session" ] || { echo "could not sign in"; exit 1; }
printf '[auth.openapi.nodeCredential]\nbearer = "%s"\n[auth.openapi.operatorCredential]\nbearer = "%s"\n[auth.openapi.sessionCookie]\napi_key = "%s"\n' \
    "$node_credential" "$operator" "$session" >with-credentials.toml
: >without-credentials.toml
export PYTHONPATH="$hooks${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks

status=0
generated_requests 1000 --include-path-regex '^/(v1/(enroll|push|pull|snapshot|status|blobs|reports)|metrics|login|logout|orgs/|$)' || status=1
exit $status
