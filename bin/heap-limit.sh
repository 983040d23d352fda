#!/bin/sh
# V8's old-space limit for a memory limit, in MiB: `sh bin/heap-limit.sh <limit-bytes>` prints
#
#   max(64, min(limit × 3/4, limit − 128))
#
# — a quarter of the limit (at least 128 MiB) stays for what is not old space: the young
# generation, code, Node's buffers and sockets. The image's entrypoint applies it to the
# container's memory limit; `npm run bench:controller` applies it to BENCH_MEMORY_LIMIT_MIB, so
# the bench runs with the heap a pod of that limit gets (docs/deploy.md "Memory and the heap limit").
set -eu
mib=$(($1 / 1048576))
heap=$((mib * 3 / 4))
if [ $((mib - 128)) -lt "$heap" ]; then heap=$((mib - 128)); fi
if [ "$heap" -lt 64 ]; then heap=64; fi
echo "$heap"
