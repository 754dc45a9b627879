#!/usr/bin/env bash
# Send an alert to alertcord from any shell script: the generic JSON source.
#   ALERTCORD_URL=http://localhost:8080 ./send-alert.sh error "Backup failed" "exit code 2 on db-1"
# ALERTCORD_TOKEN (else INGEST_TOKEN, the server's variable) is sent as a bearer token when set.
set -euo pipefail
type="${1:?usage: send-alert.sh TYPE TITLE [MESSAGE] [SEVERITY]}"
title="${2:?title required}"
message="${3:-}"
severity="${4:-}"
url="${ALERTCORD_URL:-http://localhost:8080}"
# jq would be nicer; plain printf with escaping keeps this script dependency-free.
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e ':a;N;$!ba;s/\n/\\n/g'; }
body=$(printf '{"type":"%s","title":"%s","message":"%s","severity":"%s","labels":{"host":"%s"}}' \
  "$(json_escape "$type")" "$(json_escape "$title")" "$(json_escape "$message")" "$(json_escape "$severity")" "$(hostname)")
auth=()
token="${ALERTCORD_TOKEN:-${INGEST_TOKEN:-}}"
[ -n "$token" ] && auth=(-H "authorization: Bearer ${token}")
# --fail-with-body: a non-2xx answer (400 with the failing paths, 503 with Retry-After) fails the script.
# --retry retries 503s (queue full, shutting down) as Alertmanager would.
curl --silent --show-error --fail-with-body --retry 3 --retry-delay 2 \
  -H 'content-type: application/json' "${auth[@]}" --data "$body" "$url/webhook/generic"
echo
