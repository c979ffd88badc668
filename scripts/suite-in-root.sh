#!/usr/bin/env bash
# Runs the fast suite (npm ci, then npm test) on the Node.js of a Debian root built by
# scripts/forky-node-root.mjs, as root in a private mount namespace:
#   scripts/suite-in-root.sh ROOT NAME [npm test arguments ...]
# The root is the lower layer of an overlay whose writes are thrown away, the checkout goes in
# as a copy of the files git knows (not node_modules, dist or out), and this checkout's out/ is
# bound in, so a vitest JSON report written to out/ lands where .ci/run's tally reads it.
set -euo pipefail
if [ "$#" -lt 2 ] || [ ! -x "$1/usr/bin/node" ]; then
  echo "usage: suite-in-root.sh ROOT NAME [npm test arguments ...] (ROOT must hold usr/bin/node)" >&2
  exit 2
fi
if [ "${SUITE_IN_ROOT_NAMESPACE:-}" != 1 ]; then
  SUITE_IN_ROOT_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi
root=$1
shift 2
checkout=$(cd "$(dirname "$0")/.." && pwd)
tools_cache=${BAKE_TOOLS_CACHE:-/var/cache/bake-tools}
npm_cache=$(npm config get cache)
mkdir -p "$checkout/out" "$tools_cache" "$npm_cache"

box=$(mktemp -d /var/tmp/suite-in-root.XXXXXX)
mnt=$box/mnt
# Detach every mount before deleting, so rm never reaches the bound cache or out/.
cleanup() { umount --recursive --lazy "$mnt" 2>/dev/null || true; rm -rf --one-file-system "$box"; }
trap cleanup EXIT
mkdir "$box/upper" "$box/work" "$mnt"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$box/upper,workdir=$box/work" "$mnt"
mount -t proc proc "$mnt/proc"
mount --rbind /sys "$mnt/sys"
# /dev/shm comes along: the sandbox tests put their overlay boxes there.
mount --rbind /dev "$mnt/dev"
mount -t tmpfs tmpfs "$mnt/tmp"
# The host's resolver and trust store (which may hold a proxy's CA) reach the npm registry.
for f in /etc/resolv.conf /etc/ssl/certs/ca-certificates.crt; do
  touch "$mnt$f"
  mount --bind -o ro "$f" "$mnt$f"
done
mkdir -p "$mnt/src/out" "$mnt$tools_cache" "$mnt/root/.npm"
git -C "$checkout" ls-files -z --cached --others --exclude-standard |
  tar -C "$checkout" --null --files-from=- --ignore-failed-read -c |
  tar -C "$mnt/src" -x
mount --bind "$checkout/out" "$mnt/src/out"
# Debian's containerd parsers (scripts/debian-containerd.mjs) are already fetched there.
mount --bind "$tools_cache" "$mnt$tools_cache"
mount --bind "$npm_cache" "$mnt/root/.npm"
# The suite's containerd parser is Debian 12's 1.6, the host's (scripts/forky-node-root.mjs).
mount --bind -o ro "$(command -v containerd)" "$mnt/usr/bin/containerd"

chroot "$mnt" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 BAKE_TOOLS_CACHE="$tools_cache" \
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  ${https_proxy:+https_proxy="$https_proxy"} ${no_proxy:+no_proxy="$no_proxy"} \
  /bin/sh -c 'cd /src && node --version && npm ci --no-audit --no-fund && npm test -- "$@"' sh "$@"
