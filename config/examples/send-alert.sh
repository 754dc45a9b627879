#!/bin/sh
# Send an alert to alertcord from any shell script: the generic JSON source.
#   ALERTCORD_URL=http://localhost:8080 ./send-alert.sh error "Backup failed" "exit code 2 on db-1"
# ALERTCORD_TOKEN (else INGEST_TOKEN, the server's variable) is sent as a bearer token when set.
# ALERTCORD_TIMEOUT (seconds, default 30, as `alertcord send`) bounds the whole run, retries included.
# POSIX sh, not bash: Alpine has none, and `sh send-alert.sh` in a crontab is dash on Debian (which has
# no `set -o pipefail`: nothing here needs it, each pipeline's status is its last command's).
set -eu
type="${1:?usage: send-alert.sh TYPE TITLE [MESSAGE] [SEVERITY]}"
title="${2:?title required}"
message="${3:-}"
severity="${4:-}"
url="${ALERTCORD_URL:-http://localhost:8080}"
timeout="${ALERTCORD_TIMEOUT:-30}"
# Without its trailing slashes: "http://alertcord:8080/" made the path //webhook/generic, a 404.
url=$(printf '%s' "$url" | sed -e 's:/*$::')
# jq would be nicer; plain printf with escaping keeps this script dependency-free.
# JSON strings may not hold raw control characters (RFC 8259), and command output often does (tabs,
# CRLF, colour codes): a raw one makes the request invalid JSON, refused with a 400. So: drop control
# characters other than tab, CR and newline; escape backslash, quote, tab and CR; join lines with \n.
# POSIX tr/sed/awk only (no GNU sed labels), so it runs on macOS and busybox too. All byte-wise (LC_ALL=C):
# every character escaped is ASCII, which no byte of a UTF-8 sequence equals, and macOS' sed in a UTF-8
# locale stops with "illegal byte sequence" on text that is not valid UTF-8 (the message went out empty).
tab=$(printf '\t')
cr=$(printf '\r')
json_escape() {
  printf '%s' "$1" | LC_ALL=C tr -d '\000-\010\013\014\016-\037' \
    | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/${tab}/\\\\t/g" -e "s/${cr}/\\\\r/g" \
    | LC_ALL=C awk 'NR > 1 { printf "%s", "\\n" } { printf "%s", $0 }'
}
# `uname -n`, not `hostname`: the same name, but POSIX; minimal images (Fedora, UBI, Arch) have no
# `hostname`, and the label went out empty with "hostname: not found" in cron's mail.
body=$(printf '{"type":"%s","title":"%s","message":"%s","severity":"%s","labels":{"host":"%s"}}' \
  "$(json_escape "$type")" "$(json_escape "$title")" "$(json_escape "$message")" "$(json_escape "$severity")" "$(json_escape "$(uname -n)")")
token="${ALERTCORD_TOKEN:-${INGEST_TOKEN:-}}"
# --fail-with-body: a non-2xx answer (400 with the failing paths, 503 with Retry-After) fails the script.
# --retry retries 503s (queue full, shutting down) as Alertmanager would; --retry-connrefused also retries
# while alertcord restarts (nothing was sent, so a retry cannot duplicate).
# --max-time / --retry-max-time: curl itself never gives up on a server (or proxy) that took the
# connection and does not answer, and the cron job waited for ever (exit 28 now).
# The body reaches curl on its stdin (--data-binary @-), written by printf, a shell builtin: as an argument,
# a body over 128 KiB (Linux's limit for one argument; escaping doubles every quote of a JSON report) made
# curl fail to start, "Argument list too long". The token header comes from a here-document on fd 3 (curl
# 7.55+ reads -H @file): as an argument it was readable by every user of the machine (ps,
# /proc/<pid>/cmdline) while curl ran.
printf '%s' "$body" \
  | curl --silent --show-error --fail-with-body --retry 3 --retry-delay 2 --retry-connrefused \
    --max-time "$timeout" --retry-max-time "$timeout" \
    -H 'content-type: application/json' -H @/dev/fd/3 --data-binary @- "$url/webhook/generic" 3<<HEADERS
${token:+authorization: Bearer $token}
HEADERS
echo
