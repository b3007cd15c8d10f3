#!/usr/bin/env bash
# Prints the path of a `temporal` CLI binary, getting one if needed. Progress goes to stderr, the path to stdout.
# Order: $TEMPORAL_CLI, `temporal` on PATH, the project's .tools/bin, a build from the Go module proxy into
# .tools/bin, and last the official release download (only works with internet access).
set -euo pipefail

TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}" # the last release whose go.mod builds with `go install`
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$root/.tools/bin"
say() { printf '[temporal-cli] %s\n' "$*" >&2; }

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || { say "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"; exit 1; }
  echo "$TEMPORAL_CLI"; exit 0
fi
if command -v temporal >/dev/null 2>&1; then
  command -v temporal; exit 0
fi
if [ -x "$tools_bin/temporal" ]; then
  echo "$tools_bin/temporal"; exit 0
fi

mkdir -p "$tools_bin"
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  # The CLI's server needs Go >= 1.25.
  local v; v="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  [ "$(printf '%s\n1.25\n' "${v%%[a-z]*}" | sort -V | head -n1)" = "1.25" ]
}
if go_ok; then
  say "building temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy into .tools/bin (first time only, takes a few minutes)"
  GOBIN="$tools_bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
  say "built $("$tools_bin/temporal" --version)"
  echo "$tools_bin/temporal"; exit 0
fi

say "Go >= 1.25 not found; downloading the official temporal CLI release instead"
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) say "unsupported CPU $(uname -m)"; exit 1 ;; esac
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
curl -fsSL "https://temporal.download/cli/archive/latest?platform=$os&arch=$arch" -o "$tmp/cli.tgz" \
  || { say "download failed: install Go >= 1.25 or set TEMPORAL_CLI to a temporal binary"; exit 1; }
tar -xzf "$tmp/cli.tgz" -C "$tmp" temporal
mv "$tmp/temporal" "$tools_bin/temporal"
echo "$tools_bin/temporal"
