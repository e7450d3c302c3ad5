# Sourced by schemathesis.sh and schemathesis-postgres.sh.

# Starts `$tiersync serve --db DB` on a free loopback port, logging to serve.log; sets $server
# (its pid) and $url, and enrolls node 00000000000000aa with the enrollment code CODE, setting
# $node_credential.
#
#   serve_and_enroll DB CODE
serve_and_enroll() {
    "$tiersync" serve --db "$1" --listen 127.0.0.1:0 >serve.log 2>&1 &
    server=$!
    for _ in $(seq 100); do
        url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' serve.log || true)
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { cat serve.log; return 1; }
    node_credential=$(curl -sS --compressed -H 'TierSync-Protocol: 1' -H 'Content-Type: application/json' \
        -d "{\"code\":\"$2\",\"node\":\"00000000000000aa\"}" "$url/v1/enroll" |
        sed 's/.*"credential":"\([^"]*\)".*/\1/')
    [ -n "$node_credential" ] || { echo "could not enroll"; return 1; }
}

# Runs schemathesis against the live server at $url, from the document $spec, once with
# with-credentials.toml and once with without-credentials.toml (both in the current folder),
# then checks serve.log.
#
#   generated_requests MINIMUM [schemathesis options...]
#
# positive_data_acceptance is left out: data the document allows may still be refused by a
# rule it cannot state (a phone number's shape, an org outside the subtree). Without
# credentials, negative_data_rejection is left out too: a page answers 303 to /login, and the
# API 401, before reading anything else of the request, on purpose. Returns 1 when a check
# failed, the server logged an error, or fewer than MINIMUM requests were generated.
generated_requests() {
    local minimum="$1" status=0 generated=0 config excluded count errors
    shift
    for config in ${CONFIGS:-with-credentials without-credentials}; do
        echo "== schemathesis, $config"
        excluded=positive_data_acceptance
        [ "$config" = without-credentials ] && excluded="$excluded,negative_data_rejection"
        schemathesis --config-file "$config.toml" run "$spec" --url "$url" "$@" \
            --checks all --exclude-checks "$excluded" --max-examples "$examples" --seed "${SEED:-1}" \
            --no-color --request-timeout 20 | tee run.log || status=1
        count=$(sed -n 's/^ *\([0-9]*\) generated.*/\1/p' run.log | tail -n 1)
        generated=$((generated + ${count:-0}))
    done
    errors=$(grep -c -E 'request failed|page failed' serve.log || true)
    echo "== generated requests: $generated; server errors logged: $errors"
    grep -E 'request failed|page failed' serve.log | head -n 20 || true
    [ "$errors" -eq 0 ] || status=1
    [ "$generated" -ge "$minimum" ] || { echo "fewer than $minimum generated requests"; status=1; }
    return $status
}
