# Sourced by schemathesis.sh and schemathesis-postgres.sh: runs schemathesis against the live
# server at $url, from the document $spec, once with with-credentials.toml and once with
# without-credentials.toml (both in the current folder), then checks serve.log.
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
