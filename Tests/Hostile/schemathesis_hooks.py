"""Schemathesis hooks for TierSync's pages: what a signed-in browser sends and schemathesis
cannot know from the document.

- Every changing form carries the session's CSRF token (in the body, or in the query for the
  multipart uploads); without it every form is refused with 403 before its handler runs,
  and the handlers would go untested. Sign-out and account changes are left without it, so
  that the run keeps its session and its account.
- Path parameters are often real kinds and ids (a record, a stock movement), so that
  requests reach the records, not only the 404 of an unknown kind.
"""
import os
import random

import schemathesis

CSRF = os.environ.get("TIERSYNC_CSRF", "")
RECORD = os.environ.get("TIERSYNC_RECORD", "")
KINDS = ["contact", "plan", "drill", "report", "task", "directive", "extension"]
MOVEMENTS = ["receive", "issue", "transfer", "count"]
# Forms that would end the run's session or change its account, or reach out to the network.
KEEP_UNTOKENED = {"/logout", "/accounts/{login}", "/sync/join"}
MULTIPART = {"/import", "/sync/bundle"}


@schemathesis.hook
def map_case(ctx, case):
    path = case.operation.path
    form = case.operation.method.upper() == "POST" and not path.startswith("/v1/") and path not in KEEP_UNTOKENED
    if form and CSRF and random.random() < 0.8:
        if path in MULTIPART:
            case.query = dict(case.query or {}, csrf=CSRF)
        elif isinstance(case.body, dict):
            case.body = dict(case.body, csrf=CSRF)
    params = case.path_parameters
    if params and random.random() < 0.6:
        if "kind" in params:
            params["kind"] = "contact" if "id" in params and RECORD else random.choice(KINDS)
        if "id" in params and RECORD and not path.startswith("/stock") and path != "/amendments/{id}":
            params["id"] = RECORD
        if "movement" in params:
            params["movement"] = random.choice(MOVEMENTS)
    return case
