#!/usr/bin/env bash
# test/e2e/stack/build.sh — build the real Kubernetes control-plane pieces that the e2e stack runs
# (kube-apiserver, kube-controller-manager, etcd) plus the metrics side (Prometheus and an adapter),
# and cache them outside the repository, by Kubernetes version:
#
#   ${HPA_TS_STACK_CACHE:-$HOME/.cache/hpa-ts/stack}/<k8s-version>/bin/
#       kube-apiserver kube-controller-manager etcd prometheus promtool
#       prometheus-adapter custom-metrics-test-adapter stack.env
#
# Where each piece comes from (nothing is downloaded except through the Go module proxy and apt):
#   kube-apiserver, kube-controller-manager  module k8s.io/kubernetes <version>. `go install …@v` does
#       not work (its go.mod replaces the staging modules k8s.io/* v0.0.0 with ./staging paths), so a
#       wrapper module is generated in the cache dir: it requires k8s.io/kubernetes and replaces every
#       module required at v0.0.0 with the published k8s.io/<name> v0.<minor>.<patch>; then
#       `go build k8s.io/kubernetes/cmd/<name>` with the same tags/ldflags as hack/lib/golang.sh and
#       hack/lib/version.sh (so `--version` and GET /version report the real version).
#   etcd  module go.etcd.io/etcd/server/v3 (package main at the module root), at the version the
#       chosen Kubernetes release pins in hack/lib/etcd.sh (ETCD_VERSION), unless --etcd-version.
#   prometheus, promtool  Debian package `prometheus` (apt-get download + dpkg-deb -x; no services).
#   prometheus-adapter  module sigs.k8s.io/prometheus-adapter, package cmd/adapter (--adapter-version).
#       When the module proxy refuses that version, that is recorded in
#       <version>/unavailable/prometheus-adapter@<v> and not retried (--retry-unavailable does).
#       Note: the proxy refuses the module's version *list* (403) but serves v0.12.0 itself.
#   custom-metrics-test-adapter  sigs.k8s.io/custom-metrics-apiserver/test-adapter (the library's
#       own example adapter: serves custom.metrics.k8s.io + external.metrics.k8s.io with values set
#       over HTTP) — a stand-in for the metrics APIs when prometheus-adapter cannot be had.
#
# A second run reuses the cache: when every binary exists (or is recorded as unavailable) it prints
# `stack: cached <bin dir>` and exits at once. Pieces that already exist are never rebuilt: the
# cache is keyed by the Kubernetes version only, so --etcd-version/--adapter-version/--cma-version
# apply to pieces being built (use --force to rebuild everything of that version).
#
# Usage: build.sh [--version vX.Y.Z] [--etcd-version vA.B.C] [--adapter-version vA.B.C]
#                 [--cma-version vA.B.C] [--jobs N] [--force] [--retry-unavailable]
#   Without --version, the default (newest verified) version is tried first and, if its
#   kube-apiserver does not build with the installed Go, the fallbacks in order; a version whose
#   build failed is marked (<version>/KUBE_BUILD_FAILED) and skipped by later runs without --version.
#   Verified with go1.26.8: v1.37.2 (default), v1.36.3, v1.35.4, v1.34.4 and v1.33.13 build (the
#   release matrix, npm run test:e2e:releases, runs each). The proxy refuses some patches it does
#   not list (v1.33.8: 403 "This module version is not available"): ask it with
#   `go list -m -versions k8s.io/kubernetes`.
#
# Output: logs with UTC timestamps on stderr (per-piece build logs in <version>/logs/); the bin dir
#   is the last line on stdout, so `BIN=$(test/e2e/stack/build.sh | tail -n1)` works. stack.env in
#   the bin dir holds KEY=VALUE lines (absolute paths; empty value for a piece that is missing):
#   K8S_VERSION ETCD_VERSION KUBE_APISERVER KUBE_CONTROLLER_MANAGER ETCD PROMETHEUS PROMTOOL
#   PROMETHEUS_ADAPTER CUSTOM_METRICS_TEST_ADAPTER STACK_BIN.
#
# Exit codes:
#   0  everything built (or cached)
#   3  kube-apiserver, kube-controller-manager and etcd are there, but one of the metrics pieces
#      (prometheus, prometheus-adapter, custom-metrics-test-adapter) failed or is unavailable
#   1  kube-apiserver, kube-controller-manager or etcd is missing (or a usage/environment error)
# On a piece failing, the exact command and the tail of its error are printed, and the other
# pieces are still built.
#
# Needs: go (GOTOOLCHAIN=local: the installed toolchain only), apt-get + dpkg-deb for Prometheus
# (runs `apt-get update` once if `apt-get download` fails), flock. Builds with -p ${JOBS:-2},
# CGO_ENABLED=0, -trimpath, -ldflags '-s -w'; the default GOCACHE/GOMODCACHE are used (persist).
set -euo pipefail

DEFAULT_K8S_VERSION=v1.37.2
FALLBACK_K8S_VERSIONS=(v1.36.3 v1.35.4)

K8S_VERSION=""
ETCD_VERSION=""
ADAPTER_VERSION="v0.12.0"
CMA_VERSION=""
JOBS="${JOBS:-2}"
FORCE=0
RETRY_UNAVAILABLE=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) K8S_VERSION="$2"; shift 2 ;;
    --version=*) K8S_VERSION="${1#*=}"; shift ;;
    --etcd-version) ETCD_VERSION="$2"; shift 2 ;;
    --etcd-version=*) ETCD_VERSION="${1#*=}"; shift ;;
    --adapter-version) ADAPTER_VERSION="$2"; shift 2 ;;
    --adapter-version=*) ADAPTER_VERSION="${1#*=}"; shift ;;
    --cma-version) CMA_VERSION="$2"; shift 2 ;;
    --cma-version=*) CMA_VERSION="${1#*=}"; shift ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --jobs=*) JOBS="${1#*=}"; shift ;;
    --force) FORCE=1; shift ;;
    --retry-unavailable) RETRY_UNAVAILABLE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "stack: unknown argument: $1 (see --help)" >&2; exit 1 ;;
  esac
done

CACHE_ROOT="${HPA_TS_STACK_CACHE:-$HOME/.cache/hpa-ts/stack}"
semver_ok() { [[ "$1" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; }
if [[ -n "$K8S_VERSION" ]] && ! [[ "$K8S_VERSION" =~ ^v1\.[0-9]+\.[0-9]+$ ]]; then
  echo "stack: --version must look like v1.Y.Z (got '$K8S_VERSION')" >&2; exit 1
fi
for _v in "$ETCD_VERSION" "$ADAPTER_VERSION" "$CMA_VERSION"; do
  [[ -z "$_v" ]] || semver_ok "$_v" || { echo "stack: bad version '$_v' (want vX.Y.Z)" >&2; exit 1; }
done

log() { printf '%s stack: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Pieces: name -> binary name in bin/. CORE pieces decide between exit 0/3 and 1.
CORE_PIECES=(kube-apiserver kube-controller-manager etcd)
METRICS_PIECES=(prometheus prometheus-adapter custom-metrics-test-adapter)

# ---------------------------------------------------------------------------------------------
# Go environment: installed toolchain only, module mode (the wrappers have no vendor dir), static
# binaries as the Kubernetes release builds them.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"
command -v go >/dev/null || die "go not found in PATH"
command -v flock >/dev/null || die "flock not found (Debian package util-linux)"

# ---------------------------------------------------------------------------------------------
declare -A PIECE_SECONDS=() PIECE_STATUS=()
FAILED_CMD=""

# run_logged PIECE LOGFILE DIR CMD... — run CMD in DIR, output to LOGFILE; on failure print the
# exact command and the tail of its output and return non-zero.
run_logged() {
  local piece="$1" logfile="$2" dir="$3"; shift 3
  local rc=0
  printf '+ (cd %q && %s)\n' "$dir" "$(printf '%q ' "$@")" >>"$logfile"
  (cd "$dir" && "$@") >>"$logfile" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    FAILED_CMD="(cd $(printf '%q' "$dir") && GOFLAGS='$GOFLAGS' GOTOOLCHAIN=$GOTOOLCHAIN CGO_ENABLED=$CGO_ENABLED $(printf '%q ' "$@"))"
    log "FAILED $piece (exit $rc)"
    log "  command: $FAILED_CMD"
    log "  error (last 30 lines of $logfile):"
    tail -n 30 "$logfile" | sed 's/^/    | /' >&2
  fi
  return $rc
}

# piece_done PIECE SECONDS STATUS
piece_done() { PIECE_SECONDS[$1]=$2; PIECE_STATUS[$1]=$3; printf '%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$3" "$2" >>"$OUT/logs/timings.tsv"; }

# mod_download MODULE@VERSION FIELD — print a field (Dir, GoMod, Info, Time…) of `go mod download -json`
mod_field() {
  local json="$1" field="$2"
  sed -n "s/^[[:space:]]*\"$field\": \"\(.*\)\",\{0,1\}\$/\1/p" <<<"$json" | head -n1
}

# Go-version line for a wrapper: the dependency's own `go` line (so GODEBUG defaults match upstream)
go_line_of() { grep -E '^go [0-9]' "$1" | head -n1; }

# --------------------------------------------------------------------------------------------- kube
kube_setup_wrapper() {
  # Generates $OUT/src/k8s/go.mod. Sets KUBE_LDFLAGS. Returns non-zero (with FAILED_CMD) on error.
  local logfile="$OUT/logs/k8s-wrapper.log" json gomod minor_ver w="$OUT/src/k8s"
  mkdir -p "$w"
  : >"$logfile"
  if ! json=$(cd "$w" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" 2>>"$logfile"); then
    FAILED_CMD="go mod download -json k8s.io/kubernetes@$K8S_VERSION"
    log "FAILED k8s wrapper"; log "  command: $FAILED_CMD"; sed 's/^/    | /' "$logfile" >&2; echo "$json" | sed 's/^/    | /' >&2
    return 1
  fi
  if grep -q '"Error"' <<<"$json"; then
    FAILED_CMD="go mod download -json k8s.io/kubernetes@$K8S_VERSION"
    log "FAILED k8s wrapper"; log "  command: $FAILED_CMD"; grep '"Error"' <<<"$json" | sed 's/^/    | /' >&2
    return 1
  fi
  gomod=$(mod_field "$json" GoMod)
  KUBE_SRC_DIR=$(mod_field "$json" Dir)
  local build_time="" info; info=$(mod_field "$json" Info)
  [[ -f "$info" ]] && build_time=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")
  [[ -n "$build_time" ]] || build_time="1970-01-01T00:00:00Z"
  minor_ver="v0.${K8S_VERSION#v1.}"   # v1.37.2 -> v0.37.2
  local staging; staging=$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod" | sort -u)
  [[ -n "$staging" ]] || { FAILED_CMD="awk (staging modules) $gomod"; log "FAILED k8s wrapper: no k8s.io/* v0.0.0 requirements in $gomod"; return 1; }
  {
    echo "// Generated by hpa-ts test/e2e/stack/build.sh — builds k8s.io/kubernetes $K8S_VERSION binaries."
    echo "module hpa-ts.local/stack/k8s"
    echo
    go_line_of "$gomod"
    grep -E '^godebug ' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    local m; for m in $staging; do printf '\t%s => %s %s\n' "$m" "$m" "$minor_ver"; done
    echo ")"
  } >"$w/go.mod"
  log "k8s wrapper: $w/go.mod ($(wc -w <<<"$staging") staging modules -> $minor_ver)"
  # hack/lib/version.sh: the same -X for client-go and component-base.
  local major="${K8S_VERSION#v}"; major="${major%%.*}"
  local minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
  KUBE_LDFLAGS="-s -w"
  local pkg key val
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    for key in gitVersion gitMajor gitMinor gitCommit gitTreeState buildDate; do
      case "$key" in
        gitVersion) val="$K8S_VERSION" ;;
        gitMajor) val="$major" ;;
        gitMinor) val="$minor" ;;
        gitCommit) val="unknown" ;;           # the module proxy does not tell the commit
        gitTreeState) val="clean" ;;
        buildDate) val="$build_time" ;;       # the module's publication time: reproducible
      esac
      KUBE_LDFLAGS+=" -X $pkg.$key=$val"
    done
  done
  # hack/lib/golang.sh defaults for non-debug builds
  KUBE_TAGS="selinux,notest,grpcnotrace"
}

kube_build() {
  local name="$1" t0 rc=0
  t0=$(date +%s)
  log "building $name ($K8S_VERSION) ..."
  local logfile="$OUT/logs/$name.log"; : >"$logfile"
  run_logged "$name" "$logfile" "$OUT/src/k8s" \
    go build -p "$JOBS" -trimpath -tags "$KUBE_TAGS" -ldflags "$KUBE_LDFLAGS" \
      -o "$BIN/.$name.tmp" "k8s.io/kubernetes/cmd/$name" || rc=$?
  if [[ $rc -eq 0 ]]; then
    mv -f "$BIN/.$name.tmp" "$BIN/$name"
    log "built $name in $(( $(date +%s) - t0 ))s: $(du -h "$BIN/$name" | cut -f1) — $("$BIN/$name" --version 2>&1 | head -n1)"
    piece_done "$name" $(( $(date +%s) - t0 )) ok
  else
    rm -f "$BIN/.$name.tmp"
    piece_done "$name" $(( $(date +%s) - t0 )) failed
  fi
  return $rc
}

# --------------------------------------------------------------------------------------------- etcd
etcd_default_version() {
  # The etcd the Kubernetes release tests against: hack/lib/etcd.sh ETCD_VERSION=${ETCD_VERSION:-3.x.y}
  local f="${KUBE_SRC_DIR:-}/hack/lib/etcd.sh" v=""
  [[ -f "$f" ]] && v=$(sed -n 's/^ETCD_VERSION=\${ETCD_VERSION:-\([0-9.]*\)}.*/\1/p' "$f" | head -n1)
  [[ -n "$v" ]] && echo "v$v" || echo "v3.6.8"
}

etcd_build() {
  local t0 rc=0 w="$OUT/src/etcd" logfile="$OUT/logs/etcd.log" json gomod
  t0=$(date +%s); mkdir -p "$w"; : >"$logfile"
  [[ -n "$ETCD_VERSION" ]] || ETCD_VERSION=$(etcd_default_version)
  log "building etcd ($ETCD_VERSION, go.etcd.io/etcd/server/v3) ..."
  if ! json=$(cd "$w" && go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" 2>>"$logfile") \
     || grep -q '"Error"' <<<"$json"; then
    FAILED_CMD="go mod download -json go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    log "FAILED etcd"; log "  command: $FAILED_CMD"; { cat "$logfile"; echo "$json"; } | sed 's/^/    | /' >&2
    piece_done etcd $(( $(date +%s) - t0 )) failed; return 1
  fi
  gomod=$(mod_field "$json" GoMod)
  {
    echo "// Generated by hpa-ts test/e2e/stack/build.sh — builds etcd $ETCD_VERSION."
    echo "module hpa-ts.local/stack/etcd"
    echo
    go_line_of "$gomod"
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  } >"$w/go.mod"
  run_logged etcd "$logfile" "$w" \
    go build -p "$JOBS" -trimpath \
      -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=unknown" \
      -o "$BIN/.etcd.tmp" go.etcd.io/etcd/server/v3 || rc=$?
  if [[ $rc -eq 0 ]]; then
    mv -f "$BIN/.etcd.tmp" "$BIN/etcd"
    log "built etcd in $(( $(date +%s) - t0 ))s: $(du -h "$BIN/etcd" | cut -f1) — $("$BIN/etcd" --version 2>&1 | head -n1)"
    echo "$ETCD_VERSION" >"$OUT/src/etcd/VERSION"
    piece_done etcd $(( $(date +%s) - t0 )) ok
  else
    rm -f "$BIN/.etcd.tmp"; piece_done etcd $(( $(date +%s) - t0 )) failed
  fi
  return $rc
}

# --------------------------------------------------------------------------------------- prometheus
prometheus_build() {
  local t0 rc=0 w="$OUT/src/prometheus" logfile="$OUT/logs/prometheus.log" deb
  t0=$(date +%s); rm -rf "$w"; mkdir -p "$w"; : >"$logfile"
  log "fetching prometheus (Debian package) ..."
  if ! run_logged prometheus "$logfile" "$w" apt-get download prometheus; then
    log "apt-get download failed; running apt-get update once and retrying"
    if ! run_logged prometheus "$logfile" "$w" apt-get update \
       || ! run_logged prometheus "$logfile" "$w" apt-get download prometheus; then
      piece_done prometheus $(( $(date +%s) - t0 )) failed; return 1
    fi
  fi
  deb=$(ls "$w"/prometheus_*.deb 2>/dev/null | head -n1)
  if [[ -z "$deb" ]] || ! run_logged prometheus "$logfile" "$w" dpkg-deb -x "$deb" "$w/root"; then
    piece_done prometheus $(( $(date +%s) - t0 )) failed; return 1
  fi
  if [[ ! -x "$w/root/usr/bin/prometheus" ]]; then
    FAILED_CMD="dpkg-deb -x $deb $w/root"; log "FAILED prometheus: no usr/bin/prometheus in $deb"
    piece_done prometheus $(( $(date +%s) - t0 )) failed; return 1
  fi
  cp -f "$w/root/usr/bin/promtool" "$BIN/promtool" 2>/dev/null || true
  cp -f "$w/root/usr/bin/prometheus" "$BIN/.prometheus.tmp" && mv -f "$BIN/.prometheus.tmp" "$BIN/prometheus"
  basename "$deb" >"$w/DEB"
  log "got prometheus in $(( $(date +%s) - t0 ))s: $(du -h "$BIN/prometheus" | cut -f1) — $("$BIN/prometheus" --version 2>&1 | head -n1)"
  piece_done prometheus $(( $(date +%s) - t0 )) ok
}

# ------------------------------------------------------------------------------- prometheus-adapter
# A module refused by the proxy ("not available", 403/404/410) is recorded as unavailable.
is_refusal() { grep -qE 'not available|404 Not Found|403 Forbidden|410 Gone|unknown revision|invalid version' "$1"; }

adapter_build() {
  local t0 rc=0 w="$OUT/src/prometheus-adapter" logfile="$OUT/logs/prometheus-adapter.log" json gomod
  t0=$(date +%s); mkdir -p "$w"; : >"$logfile"
  log "building prometheus-adapter ($ADAPTER_VERSION, sigs.k8s.io/prometheus-adapter/cmd/adapter) ..."
  json=$(cd "$w" && go mod download -json "sigs.k8s.io/prometheus-adapter@$ADAPTER_VERSION" 2>>"$logfile") || rc=$?
  echo "$json" >>"$logfile"
  if [[ $rc -ne 0 ]] || grep -q '"Error"' <<<"$json"; then
    FAILED_CMD="go mod download -json sigs.k8s.io/prometheus-adapter@$ADAPTER_VERSION"
    log "FAILED prometheus-adapter"; log "  command: $FAILED_CMD"; sed 's/^/    | /' "$logfile" >&2
    if is_refusal "$logfile"; then
      mkdir -p "$OUT/unavailable"
      { echo "\$ $FAILED_CMD"; grep -E '"Error"|not available|Not Found|Forbidden|Gone' "$logfile"; } >"$OUT/unavailable/prometheus-adapter@$ADAPTER_VERSION"
      log "  recorded as unavailable: $OUT/unavailable/prometheus-adapter@$ADAPTER_VERSION (not retried; --retry-unavailable)"
    fi
    piece_done prometheus-adapter $(( $(date +%s) - t0 )) failed; return 1
  fi
  gomod=$(mod_field "$json" GoMod)
  {
    echo "// Generated by hpa-ts test/e2e/stack/build.sh — builds prometheus-adapter $ADAPTER_VERSION."
    echo "module hpa-ts.local/stack/prometheus-adapter"
    echo
    go_line_of "$gomod"
    echo
    echo "require sigs.k8s.io/prometheus-adapter $ADAPTER_VERSION"
    # The adapter's own replace directives to published versions (local-path ones can't apply).
    awk '
      /^replace[[:space:]]*\(/ {inb=1; next}
      inb && /^\)/ {inb=0; next}
      inb {print "replace " $0; next}
      /^replace / {print}
    ' "$gomod" | grep -vE '=>[[:space:]]*\.{1,2}/' || true
  } >"$w/go.mod"
  run_logged prometheus-adapter "$logfile" "$w" \
    go build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$BIN/.prometheus-adapter.tmp" \
      sigs.k8s.io/prometheus-adapter/cmd/adapter || rc=$?
  if [[ $rc -eq 0 ]]; then
    mv -f "$BIN/.prometheus-adapter.tmp" "$BIN/prometheus-adapter"
    log "built prometheus-adapter in $(( $(date +%s) - t0 ))s: $(du -h "$BIN/prometheus-adapter" | cut -f1)"
    piece_done prometheus-adapter $(( $(date +%s) - t0 )) ok
  else
    rm -f "$BIN/.prometheus-adapter.tmp"; piece_done prometheus-adapter $(( $(date +%s) - t0 )) failed
  fi
  return $rc
}

# ---------------------------------------------------------------------- custom-metrics-test-adapter
test_adapter_build() {
  local t0 rc=0 w="$OUT/src/custom-metrics-test-adapter" logfile="$OUT/logs/custom-metrics-test-adapter.log" json gomod
  t0=$(date +%s); mkdir -p "$w"; : >"$logfile"
  local k8s_minor="${K8S_VERSION#v1.}"; k8s_minor="${k8s_minor%%.*}"
  [[ -n "$CMA_VERSION" ]] || CMA_VERSION="v1.$k8s_minor.0"
  log "building custom-metrics-test-adapter ($CMA_VERSION, sigs.k8s.io/custom-metrics-apiserver/test-adapter) ..."
  json=$(cd "$w" && go mod download -json "sigs.k8s.io/custom-metrics-apiserver@$CMA_VERSION" 2>>"$logfile") || rc=$?
  echo "$json" >>"$logfile"
  if [[ $rc -ne 0 ]] || grep -q '"Error"' <<<"$json"; then
    FAILED_CMD="go mod download -json sigs.k8s.io/custom-metrics-apiserver@$CMA_VERSION"
    log "FAILED custom-metrics-test-adapter"; log "  command: $FAILED_CMD"; sed 's/^/    | /' "$logfile" >&2
    piece_done custom-metrics-test-adapter $(( $(date +%s) - t0 )) failed; return 1
  fi
  gomod=$(mod_field "$json" GoMod)
  # Raise its k8s.io/* v0.x requirements to the patch release the kube binaries use, so most of
  # the (large) k8s.io/apiserver build is shared with kube-apiserver through GOCACHE.
  local minor_ver="v0.${K8S_VERSION#v1.}"
  {
    echo "// Generated by hpa-ts test/e2e/stack/build.sh — builds custom-metrics-apiserver $CMA_VERSION test-adapter."
    echo "module hpa-ts.local/stack/custom-metrics-test-adapter"
    echo
    go_line_of "$gomod"
    echo
    echo "require sigs.k8s.io/custom-metrics-apiserver $CMA_VERSION"
    awk -v mv="$minor_ver" '$1 ~ /^k8s\.io\/(api|apimachinery|apiserver|client-go|component-base|metrics|kms)$/ && $2 ~ /^v0\./ {print "require " $1 " " mv}' "$gomod" | sort -u
  } >"$w/go.mod"
  run_logged custom-metrics-test-adapter "$logfile" "$w" \
    go build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$BIN/.custom-metrics-test-adapter.tmp" \
      sigs.k8s.io/custom-metrics-apiserver/test-adapter || rc=$?
  if [[ $rc -eq 0 ]]; then
    mv -f "$BIN/.custom-metrics-test-adapter.tmp" "$BIN/custom-metrics-test-adapter"
    log "built custom-metrics-test-adapter in $(( $(date +%s) - t0 ))s: $(du -h "$BIN/custom-metrics-test-adapter" | cut -f1)"
    piece_done custom-metrics-test-adapter $(( $(date +%s) - t0 )) ok
  else
    rm -f "$BIN/.custom-metrics-test-adapter.tmp"; piece_done custom-metrics-test-adapter $(( $(date +%s) - t0 )) failed
  fi
  return $rc
}

# ------------------------------------------------------------------------------------------ helpers
have() { [[ -x "$BIN/$1" ]]; }
# a piece recorded as refused by its registry, at the version asked for now
unavailable() {
  [[ $RETRY_UNAVAILABLE -eq 0 ]] || return 1
  case "$1" in
    prometheus-adapter) [[ -f "$OUT/unavailable/prometheus-adapter@$ADAPTER_VERSION" ]] ;;
    *) return 1 ;;
  esac
}

write_env() {
  local f="$BIN/stack.env" ev=""
  [[ -f "$OUT/src/etcd/VERSION" ]] && ev=$(cat "$OUT/src/etcd/VERSION")
  p() { if have "$1"; then echo "$BIN/$1"; fi; }
  {
    echo "# Written by hpa-ts test/e2e/stack/build.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); empty = not built."
    echo "K8S_VERSION=$K8S_VERSION"
    echo "ETCD_VERSION=$ev"
    echo "STACK_BIN=$BIN"
    echo "KUBE_APISERVER=$(p kube-apiserver)"
    echo "KUBE_CONTROLLER_MANAGER=$(p kube-controller-manager)"
    echo "ETCD=$(p etcd)"
    echo "PROMETHEUS=$(p prometheus)"
    echo "PROMTOOL=$(p promtool)"
    echo "PROMETHEUS_ADAPTER=$(p prometheus-adapter)"
    echo "CUSTOM_METRICS_TEST_ADAPTER=$(p custom-metrics-test-adapter)"
  } >"$f.tmp"
  mv -f "$f.tmp" "$f"
}

# exit code from what is in BIN: 0 all, 3 core only, 1 core missing
status_code() {
  local p
  for p in "${CORE_PIECES[@]}"; do have "$p" || return 1; done
  for p in "${METRICS_PIECES[@]}"; do have "$p" || return 3; done
  return 0
}

all_present() {
  local p
  for p in "${CORE_PIECES[@]}" "${METRICS_PIECES[@]}"; do have "$p" || unavailable "$p" || return 1; done
}

# ------------------------------------------------------------------------------------ one version
# build_version — builds the missing pieces of $K8S_VERSION into $OUT/bin. Returns status_code.
build_version() {
  OUT="$CACHE_ROOT/$K8S_VERSION"; BIN="$OUT/bin"
  mkdir -p "$BIN" "$OUT/logs" "$OUT/src"
  exec 9>"$OUT/.lock"
  if ! flock -n 9; then log "another build.sh holds $OUT/.lock; waiting"; flock 9; fi

  if [[ $FORCE -eq 1 ]]; then
    log "--force: removing binaries and markers of $K8S_VERSION"
    rm -rf "${BIN:?}"/* "${OUT:?}/unavailable" "${OUT:?}/KUBE_BUILD_FAILED"
  fi

  if all_present; then
    write_env
    echo "stack: cached $BIN" >&2
    local rc=0; status_code || rc=$?
    [[ $rc -ne 0 ]] && log "(unavailable: $(ls "$OUT/unavailable" 2>/dev/null | tr '\n' ' '))"
    return $rc
  fi

  local t_all; t_all=$(date +%s)
  log "building into $BIN (k8s $K8S_VERSION, go $(go env GOVERSION), -p $JOBS, GOCACHE=$(go env GOCACHE), GOMODCACHE=$(go env GOMODCACHE))"
  KUBE_SRC_DIR=""
  local need_kube=0
  have kube-apiserver || need_kube=1
  have kube-controller-manager || need_kube=1
  [[ -n "$ETCD_VERSION" ]] || have etcd || need_kube=1   # etcd's default version is read from k8s.io/kubernetes
  local wrapper_ok=1
  if [[ $need_kube -eq 1 ]]; then
    kube_setup_wrapper || wrapper_ok=0
  fi

  local n
  for n in kube-apiserver kube-controller-manager; do
    if have "$n"; then log "cached $n"; continue; fi
    if [[ $wrapper_ok -eq 0 ]]; then piece_done "$n" 0 failed; continue; fi
    if ! kube_build "$n" && [[ $n == kube-apiserver && $ALLOW_FALLBACK -eq 1 ]]; then
      echo "$FAILED_CMD" >"$OUT/KUBE_BUILD_FAILED"
      log "kube-apiserver $K8S_VERSION did not build; marked $OUT/KUBE_BUILD_FAILED"
      return 1
    fi
  done
  if [[ $wrapper_ok -eq 0 && $ALLOW_FALLBACK -eq 1 ]]; then
    echo "$FAILED_CMD" >"$OUT/KUBE_BUILD_FAILED"; return 1
  fi
  if have etcd; then log "cached etcd"; else etcd_build || true; fi
  if have prometheus; then log "cached prometheus"; else prometheus_build || true; fi
  if have prometheus-adapter; then log "cached prometheus-adapter"
  elif unavailable prometheus-adapter; then log "prometheus-adapter: unavailable (recorded in $OUT/unavailable/prometheus-adapter@$ADAPTER_VERSION)"
  else adapter_build || true; fi
  if have custom-metrics-test-adapter; then log "cached custom-metrics-test-adapter"; else test_adapter_build || true; fi

  write_env
  log "done in $(( $(date +%s) - t_all ))s"
  local rc=0; status_code || rc=$?
  return $rc
}

# ------------------------------------------------------------------------------------------- main
if [[ -n "$K8S_VERSION" ]]; then
  CANDIDATES=("$K8S_VERSION"); ALLOW_FALLBACK=0
else
  CANDIDATES=("$DEFAULT_K8S_VERSION" "${FALLBACK_K8S_VERSIONS[@]}"); ALLOW_FALLBACK=1
fi

RC=1
for v in "${CANDIDATES[@]}"; do
  K8S_VERSION="$v"
  if [[ $ALLOW_FALLBACK -eq 1 && $FORCE -eq 0 && -f "$CACHE_ROOT/$v/KUBE_BUILD_FAILED" ]]; then
    log "skipping $v: its kube-apiserver build failed before ($CACHE_ROOT/$v/KUBE_BUILD_FAILED; --version $v or --force retries)"
    continue
  fi
  [[ "$v" == "${CANDIDATES[-1]}" ]] && ALLOW_FALLBACK=0
  RC=0; build_version || RC=$?
  if [[ $RC -ne 1 || ! -f "$OUT/KUBE_BUILD_FAILED" ]]; then break; fi
  log "falling back from $v"
done

# Helm, for the chart suites: its own piece and cache (helm.sh), not tied to the Kubernetes version.
bash "$(dirname "$0")/helm.sh" >/dev/null || log "helm did not build (test/e2e/stack/helm.sh); the chart suites will say so"

if [[ -z "${OUT:-}" ]]; then
  log "no version left to try (all marked KUBE_BUILD_FAILED under $CACHE_ROOT); pass --version or --force"
else
  if [[ ${#PIECE_STATUS[@]} -gt 0 ]]; then
    log "summary ($K8S_VERSION):"
    for p in "${CORE_PIECES[@]}" "${METRICS_PIECES[@]}"; do
      if [[ -n "${PIECE_STATUS[$p]:-}" ]]; then
        log "  $(printf '%-28s %-7s %5ss' "$p" "${PIECE_STATUS[$p]}" "${PIECE_SECONDS[$p]}")"
      fi
    done
  fi
  case $RC in
    0) log "all pieces present" ;;
    3) log "core pieces present; missing metrics pieces: $(for p in "${METRICS_PIECES[@]}"; do have "$p" || printf '%s ' "$p"; done)" ;;
    *) log "core pieces missing: $(for p in "${CORE_PIECES[@]}"; do have "$p" || printf '%s ' "$p"; done)" ;;
  esac
  echo "$BIN"
fi
exit $RC
