#!/usr/bin/env bash
# npm run image [-- --push] [-- --dry-run] — build the hpa-ts image from the Dockerfile with the OCI
# builder you have, and optionally push it.
#
#   HPA_TS_IMAGE    the image name and tag (default ghcr.io/hpa-ts/hpa-ts:<package.json version>,
#                   a placeholder: there is no published image, so name one you can push to)
#   HPA_TS_BUILDER  docker, podman or buildah (default: the first of them that works here; docker
#                   counts only when its engine answers `docker info`)
#   --push          push the image after building it
#   --platform P    build for another platform (e.g. linux/arm64; docker needs buildx for it)
#   --dry-run       print the commands instead of running them
#
# Then point the manifests at it (docs/deploy.md, docs/install-helm.md):
#   kustomize:  kustomize edit set image ghcr.io/hpa-ts/hpa-ts=$HPA_TS_IMAGE   (in your overlay)
#   helm:       --set image.repository=<name> --set image.tag=<tag>
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json | head -n1)
IMAGE="${HPA_TS_IMAGE:-ghcr.io/hpa-ts/hpa-ts:$version}"
PUSH=0
DRY=0
PLATFORM=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --push) PUSH=1; shift ;;
    --dry-run) DRY=1; shift ;;
    --platform) PLATFORM="$2"; shift 2 ;;
    --platform=*) PLATFORM="${1#*=}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "image: unknown argument: $1 (see npm run image -- --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$IMAGE" =~ ^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$ ]]; then
  echo "image: HPA_TS_IMAGE=$IMAGE is not an image name (registry/name:tag, lower case)" >&2
  exit 2
fi

usable() {
  case "$1" in
    docker) command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 ;;
    podman|buildah) command -v "$1" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

BUILDER="${HPA_TS_BUILDER:-}"
if [[ -n "$BUILDER" ]]; then
  case "$BUILDER" in docker|podman|buildah) ;; *) echo "image: HPA_TS_BUILDER=$BUILDER: expected docker, podman or buildah" >&2; exit 2 ;; esac
  if [[ $DRY -eq 0 ]] && ! usable "$BUILDER"; then
    echo "image: HPA_TS_BUILDER=$BUILDER does not work here (not installed, or docker's engine does not answer \`docker info\`)" >&2
    exit 1
  fi
else
  for b in docker podman buildah; do
    if usable "$b"; then BUILDER=$b; break; fi
  done
  if [[ -z "$BUILDER" ]]; then
    why="none of docker, podman, buildah is installed"
    command -v docker >/dev/null 2>&1 && why="docker is installed but its engine does not answer \`docker info\`, and neither podman nor buildah is installed"
    echo "image: no OCI builder: $why. Install one (podman and buildah need no daemon), or set HPA_TS_BUILDER." >&2
    exit 1
  fi
fi

platform=()
[[ -n "$PLATFORM" ]] && platform=(--platform "$PLATFORM")
case "$BUILDER" in
  docker|podman) build=("$BUILDER" build "${platform[@]}" -t "$IMAGE" -f Dockerfile .) ;;
  buildah) build=(buildah build "${platform[@]}" -t "$IMAGE" -f Dockerfile .) ;;
esac
push=("$BUILDER" push "$IMAGE")

say() { printf '+'; printf ' %q' "$@"; printf '\n'; }
if [[ $DRY -eq 1 ]]; then
  say "${build[@]}"
  [[ $PUSH -eq 1 ]] && say "${push[@]}"
  exit 0
fi
echo "image: building $IMAGE with $BUILDER" >&2
say "${build[@]}" >&2
"${build[@]}"
if [[ $PUSH -eq 1 ]]; then
  say "${push[@]}" >&2
  "${push[@]}"
fi
name="${IMAGE%:*}"; tag="${IMAGE##*:}"
cat >&2 <<MSG
image: $IMAGE $([[ $PUSH -eq 1 ]] && echo pushed || echo built; true)
  kustomize (in your overlay):  kustomize edit set image ghcr.io/hpa-ts/hpa-ts=$IMAGE
  helm:                         --set image.repository=$name --set image.tag=$tag
MSG
