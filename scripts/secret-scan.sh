#!/usr/bin/env bash
# Secret scan of the tree with gitleaks (pinned, built by `go run`): every
# file git would commit — tracked, or untracked and not ignored (.env, data/,
# bin/ and node_modules/ are ignored, so never scanned or committed).
# Outside a git work tree, the whole directory. Fails (exit 1) on any finding,
# redacted in the output.
#
# It first proves the scanner works: a file with a freshly made fake
# credential in a scratch directory must be reported (skip with
# SECRET_SCAN_SELF_TEST=0).
#
#   scripts/secret-scan.sh            # the tree
#   scripts/secret-scan.sh DIR        # any directory
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

GITLEAKS=github.com/zricethezav/gitleaks/v8@v8.30.1

# gitleaks' default rules, less the placeholders the repository documents
# and tests with — each allowed by its exact shape, never by file:
#  - the example booking token of README.md and api/openapi.json;
#  - keys made of repeated 0123456789abcdef (config and API tests);
#  - deploy/deploytest's stand-ins for .env values (*-from-dotenv-*);
#  - the example passwords of PostgreSQL URLs in docs and tests.
# Three rules are added: hotel API keys, booking tokens, and passwords in
# PostgreSQL URLs.
# A new false positive: add its exact shape here, or end the line with a
# `gitleaks:allow` comment.
GITLEAKS_CONFIG_TOML=$(cat <<'TOML'
title = "hotel secret scan"

[extend]
useDefault = true

# Credentials of this project that the default rules may miss.
[[rules]]
id = "hotel-api-key"
description = "hotel API key (hk_<prefix>_<secret>)"
regex = '''\bhk_[A-Za-z0-9]{4,16}_[A-Za-z0-9_-]{40,}'''
keywords = ["hk_"]

[[rules]]
id = "hotel-booking-token"
description = "hotel booking access token (bt_<booking id>_<secret>)"
regex = '''\bbt_[0-9a-f]{32}_[A-Za-z0-9_-]{40,}'''
keywords = ["bt_"]

[[rules]]
id = "postgres-url-password"
description = "password in a PostgreSQL URL"
regex = '''(?i)\bpostgres(?:ql)?://[^:/\s"'`@]+:([^@\s"'`/]+)@'''
secretGroup = 1
keywords = ["postgres"]
[[rules.allowlists]]
description = "placeholders and variables in examples"
regexTarget = "secret"
regexes = ['''^(change-me|secret|secretpw|p|hunter2(-secret)?|hotel-ci|…|\.\.\.|<[^>]*>|\[?\$[A-Za-z_{][^@]*)$''']

[[allowlists]]
description = "documented placeholders"
regexTarget = "secret"
regexes = [
  '''^bt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b_o8CsQ2vYk1nW7xR3pL5mT9bD4fH6jK0aZ2cE8gU1iS3$''',
  '''^(0123456789abcdef)+$''',
  '''^[a-z-]+-from-dotenv-[0-9a-f]+$''',
]
TOML
)
export GITLEAKS_CONFIG_TOML
unset GITLEAKS_CONFIG
gitleaks() { go run "$GITLEAKS" "$@"; }

scratch=$(mktemp -d -t secret-scan-XXXXXX)
trap 'rm -rf "$scratch"' EXIT

if [ "${SECRET_SCAN_SELF_TEST:-1}" != 0 ]; then
  mkdir -p "$scratch/planted"
  # Made at run time, so no credential-looking literal is in this file.
  r1=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Z2-7')
  r2=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  key="AKIA${r1:0:16}" secret="${r2:0:40}"
  printf 'aws_access_key_id = %s\naws_secret_access_key = %s\n' "$key" "$secret" >"$scratch/planted/credentials"
  if gitleaks dir --no-banner --redact --log-level error "$scratch/planted" >"$scratch/planted.log" 2>&1; then
    cat "$scratch/planted.log" >&2
    echo "secret-scan: the self-test's planted credential was NOT found; the scanner is broken" >&2
    exit 1
  fi
  echo "secret-scan: self-test ok (a planted credential is reported)"
fi

target=${1:-}
if [ -z "$target" ]; then
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    target="$scratch/tree"
    mkdir -p "$target"
    # Copy what git would commit (deleted files skipped), paths kept.
    git ls-files -z --cached --others --exclude-standard \
      | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
      | xargs -0 -r cp --parents -t "$target"
  else
    target=.
  fi
fi

n=$(find "$target" -type f | wc -l)
echo "secret-scan: gitleaks over $n files"
gitleaks dir --no-banner --redact --max-target-megabytes 5 "$target"
