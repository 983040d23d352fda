#!/usr/bin/env bash
# test/e2e/stack/smoke.sh — prove the binaries from build.sh run together: etcd + kube-apiserver
# (+ kube-controller-manager) on loopback, random free ports, a temp dir, throwaway certificates
# made with openssl, a static admin token in group system:masters; then `kubectl get ns` against it.
# Everything it started is stopped (by pid) and the temp dir removed on exit.
#
# Usage: smoke.sh [--bin DIR] [--no-kcm] [--no-metrics] [--keep] [--hold SECONDS]
#   --bin DIR  the bin dir of build.sh (default: run build.sh, which is instant when cached)
#   --no-kcm   skip the kube-controller-manager check
#   --no-metrics  skip the Prometheus + prometheus-adapter check
#   --keep     keep the temp dir (logs, certs) for inspection
#   --hold S   keep everything running S seconds before stopping (poke at it with the kubeconfig)
# Exit code 0 when every check passed, 1 otherwise. Prints one "smoke: ok|FAIL <check>" line each.
#
# What it checks:
#   1. each binary answers --version (kube-apiserver must report the version it was built as)
#   2. etcd serves /health on its client URL
#   3. kube-apiserver becomes /readyz against that etcd, and `kubectl get ns` lists the
#      default, kube-node-lease, kube-public and kube-system namespaces
#   4. kube-controller-manager (built-in HPA controller disabled, as the e2e stack will run it)
#      starts, and its serviceaccount controller creates the `default` ServiceAccount
#   5. Prometheus (scraping itself) + prometheus-adapter registered as APIServices through the
#      aggregator (Service of type ExternalName -> localhost, since there is no service network):
#      `kubectl get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/default/<metric>`
#      returns a value computed by Prometheus
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN=""
WITH_KCM=1
WITH_METRICS=1
KEEP=0
HOLD=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --bin=*) BIN="${1#*=}"; shift ;;
    --no-kcm) WITH_KCM=0; shift ;;
    --no-metrics) WITH_METRICS=0; shift ;;
    --keep) KEEP=1; shift ;;
    --hold) HOLD="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "smoke: unknown argument $1" >&2; exit 1 ;;
  esac
done

log() { printf '%s smoke: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
FAILS=0
PASSES=0
ok() { echo "smoke: ok   $*"; PASSES=$((PASSES + 1)); }
fail() { echo "smoke: FAIL $*"; FAILS=$((FAILS + 1)); }

if [[ -z "$BIN" ]]; then
  rc=0; BIN=$("$HERE/build.sh" | tail -n1) || rc=$?
  [[ $rc -eq 0 || $rc -eq 3 ]] || { echo "smoke: build.sh failed (exit $rc)" >&2; exit 1; }
fi
# shellcheck disable=SC1091
source "$BIN/stack.env"
for v in KUBE_APISERVER ETCD; do
  [[ -n "${!v:-}" && -x "${!v}" ]] || { echo "smoke: $v missing in $BIN/stack.env" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "smoke: openssl not found" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "smoke: kubectl not found" >&2; exit 1; }
command -v curl >/dev/null || { echo "smoke: curl not found" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hpa-ts-smoke.XXXXXX")
PIDS=()
cleanup() {
  local i pid
  # stop in reverse start order (clients before etcd), each by its own pid
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
    pid=${PIDS[$i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ $KEEP -eq 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# Free loopback ports: ask the kernel for N distinct ephemeral ports.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT PROM_PORT ADAPTER_PORT < <(free_ports 6)

# wait_for NAME SECONDS PID CMD... — poll CMD until it succeeds, the process dies, or time runs out
wait_for() {
  local name="$1" secs="$2" pid="$3"; shift 3
  local t0; t0=$(date +%s)
  while (( $(date +%s) - t0 < secs )); do
    if "$@" >/dev/null 2>&1; then log "$name up after $(( $(date +%s) - t0 ))s"; return 0; fi
    kill -0 "$pid" 2>/dev/null || { log "$name exited"; return 1; }
    sleep 0.5
  done
  log "$name not up after ${secs}s"; return 1
}

# 1. --version ----------------------------------------------------------------------------------
for v in KUBE_APISERVER KUBE_CONTROLLER_MANAGER ETCD PROMETHEUS PROMETHEUS_ADAPTER CUSTOM_METRICS_TEST_ADAPTER; do
  b="${!v:-}"
  if [[ -z "$b" ]]; then echo "smoke: skip $v (not built)"; continue; fi
  case "$v" in
    # neither adapter has --version: check that --help knows its main flag
    PROMETHEUS_ADAPTER|CUSTOM_METRICS_TEST_ADAPTER)
      flag=--prometheus-url; [[ $v == CUSTOM_METRICS_TEST_ADAPTER ]] && flag=--msg
      help=$("$b" --help 2>&1 || true)
      if [[ "$help" == *"$flag"* ]]; then out="--help: lists $flag"; else out="--help: no $flag"; fi ;;
    *) out=$("$b" --version 2>&1 | head -n 3 | tr '\n' ' ' | tr -s ' ') || true ;;
  esac
  if [[ "$out" == *"--help: no "* ]]; then fail "$v $out"
  elif [[ "$v" == KUBE_* ]] && [[ "$out" != *"$K8S_VERSION"* ]]; then fail "$v --version: $out (want $K8S_VERSION)"
  else ok "$v --version: $out"; fi
done

# certificates and credentials ------------------------------------------------------------------
mkdir -p "$TMP/pki" "$TMP/etcd" "$TMP/cert-dir" "$TMP/kubectl-cache"
(
  cd "$TMP/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=hpa-ts-smoke-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\nextendedKeyUsage=serverAuth\n' >apiserver.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 1 -extfile apiserver.ext 2>/dev/null
  # front proxy (aggregation layer): the apiserver authenticates to aggregated API servers
  # (prometheus-adapter) with this client cert; they trust it through requestheader-client-ca
  openssl req -x509 -newkey rsa:2048 -nodes -keyout front-proxy-ca.key -out front-proxy-ca.crt -days 1 -subj "/CN=hpa-ts-smoke-front-proxy-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout front-proxy-client.key -out front-proxy-client.csr -subj "/CN=front-proxy-client" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key -CAcreateserial -out front-proxy-client.crt -days 1 -extfile client.ext 2>/dev/null
  # serving cert of the adapter: the aggregator dials it with ServerName <service>.<namespace>.svc
  openssl req -newkey rsa:2048 -nodes -keyout adapter.key -out adapter.csr -subj "/CN=prometheus-adapter" 2>/dev/null
  printf 'subjectAltName=DNS:prometheus-adapter.kube-system.svc,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >adapter.ext
  openssl x509 -req -in adapter.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out adapter.crt -days 1 -extfile adapter.ext 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
)
TOKEN=$(openssl rand -hex 16)
printf '%s,admin,admin-uid,"system:masters"\n' "$TOKEN" >"$TMP/pki/tokens.csv"
cat >"$TMP/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smoke
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$TMP/pki/ca.crt"}
users:
- name: admin
  user: {token: "$TOKEN"}
contexts:
- name: smoke
  context: {cluster: smoke, user: admin}
current-context: smoke
EOF

# 2. etcd ----------------------------------------------------------------------------------------
log "starting etcd on 127.0.0.1:$ETCD_PORT"
"$ETCD" --name smoke --data-dir "$TMP/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "smoke=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn \
  >"$TMP/etcd.log" 2>&1 &
PIDS+=($!); ETCD_PID=$!
if wait_for etcd 30 "$ETCD_PID" curl -sf "http://127.0.0.1:$ETCD_PORT/health"; then
  ok "etcd /health: $(curl -s "http://127.0.0.1:$ETCD_PORT/health") version $(curl -s "http://127.0.0.1:$ETCD_PORT/version")"
else
  fail "etcd did not become healthy"; tail -n 20 "$TMP/etcd.log" >&2; exit 1
fi

# 3. kube-apiserver -------------------------------------------------------------------------------
log "starting kube-apiserver on 127.0.0.1:$API_PORT"
T0=$(date +%s)
"$KUBE_APISERVER" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --endpoint-reconciler-type none \
  --tls-cert-file "$TMP/pki/apiserver.crt" --tls-private-key-file "$TMP/pki/apiserver.key" \
  --client-ca-file "$TMP/pki/ca.crt" \
  --cert-dir "$TMP/cert-dir" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$TMP/pki/sa.pub" \
  --service-account-signing-key-file "$TMP/pki/sa.key" \
  --service-cluster-ip-range 10.0.0.0/24 \
  --authorization-mode RBAC \
  --token-auth-file "$TMP/pki/tokens.csv" \
  --requestheader-client-ca-file "$TMP/pki/front-proxy-ca.crt" \
  --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User \
  --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$TMP/pki/front-proxy-client.crt" \
  --proxy-client-key-file "$TMP/pki/front-proxy-client.key" \
  --profiling=false \
  >"$TMP/kube-apiserver.log" 2>&1 &
PIDS+=($!); API_PID=$!
if wait_for kube-apiserver 120 "$API_PID" curl -sf --cacert "$TMP/pki/ca.crt" -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$API_PORT/readyz"; then
  ok "kube-apiserver /readyz after $(( $(date +%s) - T0 ))s"
else
  fail "kube-apiserver did not become ready"; tail -n 30 "$TMP/kube-apiserver.log" >&2; exit 1
fi
ver=$(curl -s --cacert "$TMP/pki/ca.crt" -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$API_PORT/version" | tr -d ' \n')
if [[ "$ver" == *"\"gitVersion\":\"$K8S_VERSION\""* ]]; then ok "GET /version: $ver"; else fail "GET /version: $ver (want $K8S_VERSION)"; fi

# kubectl is the dispatcher: it GETs /version and caches it under --cache-dir (fresh one here).
KUBECTL=(kubectl --server "https://127.0.0.1:$API_PORT" --token "$TOKEN" --insecure-skip-tls-verify --cache-dir "$TMP/kubectl-cache")
ns_ok=0
for _ in $(seq 20); do  # the apiserver creates the system namespaces just after it reports ready
  ns=$("${KUBECTL[@]}" get ns -o name 2>"$TMP/kubectl.err" | sort | tr '\n' ' ') || true
  if [[ "$ns" == *namespace/default*namespace/kube-node-lease*namespace/kube-public*namespace/kube-system* ]]; then ns_ok=1; break; fi
  sleep 0.5
done
if [[ $ns_ok -eq 1 ]]; then ok "kubectl get ns: $ns"; else fail "kubectl get ns: '$ns' $(cat "$TMP/kubectl.err")"; fi
"${KUBECTL[@]}" get ns >&2 || true

# 4. kube-controller-manager ----------------------------------------------------------------------
if [[ $WITH_KCM -eq 1 && -n "${KUBE_CONTROLLER_MANAGER:-}" ]]; then
  log "starting kube-controller-manager on 127.0.0.1:$KCM_PORT (horizontal-pod-autoscaler-controller disabled)"
  T0=$(date +%s)
  "$KUBE_CONTROLLER_MANAGER" \
    --kubeconfig "$TMP/admin.kubeconfig" \
    --authentication-kubeconfig "$TMP/admin.kubeconfig" --authorization-kubeconfig "$TMP/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$TMP/cert-dir" \
    --leader-elect=false \
    --controllers '*,-horizontal-pod-autoscaler-controller' \
    --use-service-account-credentials \
    --service-account-private-key-file "$TMP/pki/sa.key" --root-ca-file "$TMP/pki/ca.crt" \
    --cluster-signing-cert-file "$TMP/pki/ca.crt" --cluster-signing-key-file "$TMP/pki/ca.key" \
    >"$TMP/kube-controller-manager.log" 2>&1 &
  PIDS+=($!); KCM_PID=$!
  if wait_for "kube-controller-manager (default ServiceAccount)" 90 "$KCM_PID" "${KUBECTL[@]}" get serviceaccount default -n default; then
    ok "kube-controller-manager created ServiceAccount default/default after $(( $(date +%s) - T0 ))s"
  else
    fail "kube-controller-manager: no ServiceAccount default/default"; tail -n 30 "$TMP/kube-controller-manager.log" >&2
  fi
  if curl -sfk "https://127.0.0.1:$KCM_PORT/healthz" >/dev/null; then ok "kube-controller-manager /healthz"; else fail "kube-controller-manager /healthz"; fi
  if grep -q 'horizontal-pod-autoscaler-controller' "$TMP/kube-controller-manager.log" && grep 'horizontal-pod-autoscaler-controller' "$TMP/kube-controller-manager.log" | grep -qi 'disabled\|Warning: controller is disabled'; then
    ok "kube-controller-manager: built-in HPA controller disabled"
  fi
fi

# 5. Prometheus + prometheus-adapter through the aggregator ------------------------------------
if [[ $WITH_METRICS -eq 1 && -n "${PROMETHEUS:-}" && -n "${PROMETHEUS_ADAPTER:-}" ]]; then
  mkdir -p "$TMP/prometheus-data" "$TMP/adapter-certs"
  cat >"$TMP/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
- job_name: prometheus
  # namespace/pod labels so that a custom.metrics.k8s.io pods rule has something to match
  static_configs: [{targets: ["127.0.0.1:$PROM_PORT"], labels: {namespace: default, pod: smoke-pod}}]
EOF
  log "starting prometheus on 127.0.0.1:$PROM_PORT"
  "$PROMETHEUS" --config.file "$TMP/prometheus.yml" --storage.tsdb.path "$TMP/prometheus-data" \
    --web.listen-address "127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 &
  PIDS+=($!); PROM_PID=$!
  prom_has_series() { curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query?query=prometheus_tsdb_head_series" | grep -q '"result":\[{'; }
  if wait_for prometheus 60 "$PROM_PID" prom_has_series; then ok "prometheus scraped itself (prometheus_tsdb_head_series)"
  else fail "prometheus: no prometheus_tsdb_head_series"; tail -n 20 "$TMP/prometheus.log" >&2; fi

  cat >"$TMP/adapter.yaml" <<'EOF'
# the adapter serves custom.metrics.k8s.io only when `rules` is non-empty
rules:
- seriesQuery: 'prometheus_tsdb_head_series{namespace!="",pod!=""}'
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {as: "smoke_pod_head_series"}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
externalRules:
- seriesQuery: 'prometheus_tsdb_head_series'
  resources: {namespaced: false}
  name: {as: "smoke_head_series"}
  metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>})'
EOF
  log "starting prometheus-adapter on 127.0.0.1:$ADAPTER_PORT"
  "$PROMETHEUS_ADAPTER" --prometheus-url "http://127.0.0.1:$PROM_PORT/" --config "$TMP/adapter.yaml" \
    --metrics-relist-interval 2s \
    --lister-kubeconfig "$TMP/admin.kubeconfig" \
    --authentication-kubeconfig "$TMP/admin.kubeconfig" --authorization-kubeconfig "$TMP/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$ADAPTER_PORT" \
    --tls-cert-file "$TMP/pki/adapter.crt" --tls-private-key-file "$TMP/pki/adapter.key" \
    --cert-dir "$TMP/adapter-certs" \
    >"$TMP/prometheus-adapter.log" 2>&1 &
  PIDS+=($!); ADAPTER_PID=$!
  CA_B64=$(base64 -w0 <"$TMP/pki/ca.crt")
  cat >"$TMP/apiservices.yaml" <<EOF
apiVersion: v1
kind: Service
metadata: {name: prometheus-adapter, namespace: kube-system}
spec: {type: ExternalName, externalName: localhost}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.external.metrics.k8s.io}
spec:
  group: external.metrics.k8s.io
  version: v1beta1
  service: {name: prometheus-adapter, namespace: kube-system, port: $ADAPTER_PORT}
  caBundle: $CA_B64
  groupPriorityMinimum: 100
  versionPriority: 100
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta2.custom.metrics.k8s.io}
spec:
  group: custom.metrics.k8s.io
  version: v1beta2
  service: {name: prometheus-adapter, namespace: kube-system, port: $ADAPTER_PORT}
  caBundle: $CA_B64
  groupPriorityMinimum: 100
  versionPriority: 200
EOF
  if "${KUBECTL[@]}" apply -f "$TMP/apiservices.yaml" >&2; then ok "registered APIServices (ExternalName service -> localhost:$ADAPTER_PORT)"
  else fail "kubectl apply APIServices"; fi
  EXT_PATH=/apis/external.metrics.k8s.io/v1beta1/namespaces/default/smoke_head_series
  ext_ok() { "${KUBECTL[@]}" get --raw "$EXT_PATH" 2>/dev/null | grep -q '"metricName":"smoke_head_series"'; }
  T0=$(date +%s)
  if wait_for "external metric via aggregator" 90 "$ADAPTER_PID" ext_ok; then
    ok "GET $EXT_PATH after $(( $(date +%s) - T0 ))s: $("${KUBECTL[@]}" get --raw "$EXT_PATH" | tr -d '\n' | cut -c1-300)"
  else
    fail "GET $EXT_PATH: $("${KUBECTL[@]}" get --raw "$EXT_PATH" 2>&1 | tail -n 3)"
    "${KUBECTL[@]}" get apiservices -o wide >&2 || true
    tail -n 30 "$TMP/prometheus-adapter.log" >&2
  fi
  CUSTOM_PATH=/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/smoke-pod/smoke_pod_head_series
  custom_ok() { "${KUBECTL[@]}" get --raw "$CUSTOM_PATH" 2>/dev/null | grep -q '"kind":"MetricValueList"'; }
  T0=$(date +%s)
  if wait_for "custom metric via aggregator" 60 "$ADAPTER_PID" custom_ok; then
    ok "GET $CUSTOM_PATH after $(( $(date +%s) - T0 ))s: $("${KUBECTL[@]}" get --raw "$CUSTOM_PATH" | tr -d '\n' | cut -c1-300)"
  else
    fail "GET $CUSTOM_PATH: $("${KUBECTL[@]}" get --raw "$CUSTOM_PATH" 2>&1 | tail -n 3)"
    "${KUBECTL[@]}" get apiservices -o wide >&2 || true
    tail -n 30 "$TMP/prometheus-adapter.log" >&2
  fi
fi

if [[ $HOLD -gt 0 ]]; then log "holding the stack for ${HOLD}s (kubeconfig: $TMP/admin.kubeconfig)"; sleep "$HOLD"; fi
echo "smoke: $PASSES passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
