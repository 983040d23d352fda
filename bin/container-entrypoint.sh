#!/bin/sh
# The container image's entrypoint (Dockerfile: tini runs it, it execs node): derives V8's heap
# limit from the container's memory limit, so that the heap fits whatever limit the pod is given
# (docs/deploy.md "Memory and the heap limit"):
#
#   --max-old-space-size = max(64, min(limit × 3/4, limit − 128)) MiB   (bin/heap-limit.sh)
#
# The limit is cgroup v2's memory.max, or cgroup
# v1's memory.limit_in_bytes; without a limit ("max", or v1's near-2^63 "unlimited") nothing is
# set and V8 picks its own. A --max-old-space-size already in NODE_OPTIONS wins.
# HPA_TS_CGROUP_ROOT (default /sys/fs/cgroup) is for tests (test/deploy/entrypoint.test.ts).
set -eu

root="${HPA_TS_CGROUP_ROOT:-/sys/fs/cgroup}"

# The memory limit in bytes, or nothing when there is none.
memory_limit() {
  for f in "$root/memory.max" "$root/memory/memory.limit_in_bytes" "$root/memory.limit_in_bytes"; do
    if [ -r "$f" ]; then
      v=$(cat "$f")
      case "$v" in
        '' | max | *[!0-9]*) return 0 ;;
      esac
      # cgroup v1 writes "unlimited" as 2^63 rounded down to a page: anything past 1 PiB is none
      if [ "${#v}" -gt 15 ]; then return 0; fi
      echo "$v"
      return 0
    fi
  done
}

case " ${NODE_OPTIONS:-} " in
  *" --max-old-space-size="* | *" --max_old_space_size="*) ;;
  *)
    limit=$(memory_limit)
    if [ -n "$limit" ]; then
      heap=$(sh "$(dirname "$0")/heap-limit.sh" "$limit")
      NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--max-old-space-size=$heap"
      export NODE_OPTIONS
    fi
    ;;
esac

here=$(dirname "$0")
exec node "$here/../dist/app/main.js" "$@"
