#!/usr/bin/env bash
# Generated requests against a live node (the hub's API and the workbench's pages), from
# SyncServer/openapi.yaml, with schemathesis: once with a valid node credential, operator
# credential and browser session, once with none. Every response must conform to the
# document and none may be a server error.
#
#   Tests/Hostile/schemathesis.sh .build/debug/tiersync [examples per operation]
set -euo pipefail
tiersync="$(realpath "$1")"
examples="${2:-40}"
spec="$(realpath "$(dirname "$0")/../../SyncServer/openapi.yaml")"
source "$(dirname "$0")/generated-requests.sh"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

# A county with a township below it, an account, an operator and an enrolled child node.
"$tiersync" init --db county.db --org 520201 >/dev/null
printf '%s\n' 'schemathesis-password' |
    "$tiersync" user add --db county.db --login tester --name 示例·测试 --role admin --password-stdin >/dev/null
operator=$("$tiersync" operator add --db county.db --name 示例·钱官 --json | sed 's/.*"credential":"\([^"]*\)".*/\1/')
code=$("$tiersync" enroll --db county.db --org 520201101 --json | sed 's/.*"code":"\([^"]*\)".*/\1/')
record=$("$tiersync" contact add --db county.db --org 520201101 --role 信息员 --name 示例·王一 --phone 13900000001)

serve_and_enroll county.db "$code"
session=$(curl -sS -o /dev/null -D - --data-urlencode login=tester --data-urlencode password=schemathesis-password \
    "$url/login" | sed -n 's/^[Ss]et-[Cc]ookie: tiersync_session=\([^;]*\);.*/\1/p')
csrf=$(curl -sS -b "tiersync_session=$session" "$url/records/contact/new" |
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$node_credential" ] && [ -n "$session" ] && [ -n "$csrf" ] || { echo "could not sign in"; exit 1; }
export TIERSYNC_CSRF="$csrf" TIERSYNC_RECORD="$record"
export PYTHONPATH="$(dirname "$spec")/../Tests/Hostile${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks

cat >with-credentials.toml <<TOML
[auth.openapi.nodeCredential]
bearer = "$node_credential"
[auth.openapi.operatorCredential]
bearer = "$operator"
[auth.openapi.sessionCookie]
api_key = "$session"
TOML
: >without-credentials.toml

status=0
generated_requests 2000 || status=1
exit $status
