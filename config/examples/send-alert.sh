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
# Without its trailing slashes: "http://alertcord:8080/" made the path //webhook/generic, a 404.
url=$(printf '%s' "$url" | sed -e 's:/*$::')
# jq would be nicer; plain printf with escaping keeps this script dependency-free.
# JSON strings may not hold raw control characters (RFC 8259), and command output often does (tabs,
# CRLF, colour codes): a raw one makes the request invalid JSON, refused with a 400. So: drop control
# characters other than tab, CR and newline; escape backslash, quote, tab and CR; join lines with \n.
# POSIX tr/sed/awk only (no GNU sed labels), so it runs on macOS and busybox too.
tab=$(printf '\t')
cr=$(printf '\r')
json_escape() {
  printf '%s' "$1" | LC_ALL=C tr -d '\000-\010\013\014\016-\037' \
    | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/${tab}/\\\\t/g" -e "s/${cr}/\\\\r/g" \
    | awk 'NR > 1 { printf "%s", "\\n" } { printf "%s", $0 }'
}
body=$(printf '{"type":"%s","title":"%s","message":"%s","severity":"%s","labels":{"host":"%s"}}' \
  "$(json_escape "$type")" "$(json_escape "$title")" "$(json_escape "$message")" "$(json_escape "$severity")" "$(json_escape "$(hostname)")")
token="${ALERTCORD_TOKEN:-${INGEST_TOKEN:-}}"
# --fail-with-body: a non-2xx answer (400 with the failing paths, 503 with Retry-After) fails the script.
# --retry retries 503s (queue full, shutting down) as Alertmanager would; --retry-connrefused also retries
# while alertcord restarts (nothing was sent, so a retry cannot duplicate).
# The token header reaches curl on its stdin (-H @-, curl 7.55+), written by printf, a shell builtin: as an
# argument it was readable by every user of the machine (ps, /proc/<pid>/cmdline) while curl ran.
if [ -n "$token" ]; then printf 'authorization: Bearer %s\n' "$token"; fi \
  | curl --silent --show-error --fail-with-body --retry 3 --retry-delay 2 --retry-connrefused \
    -H 'content-type: application/json' -H @- --data "$body" "$url/webhook/generic"
echo
