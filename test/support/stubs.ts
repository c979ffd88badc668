// Stand-ins for commands, shared by the sandbox tests.

// sysctl -q -p FILE sets each key in /proc/sys, the root's own tmpfs (see
// overlay-root.ts), where verify reads them. Its own reading of sysctl's rule,
// apart from the plan's: a key whose first separator is a dot has its dots and
// slashes swapped.
export const SYSCTL = `[ "$1 $2" = "-q -p" ] || exit 2
grep -v -e '^#' -e '^$' "$3" | while read -r k _ v; do
  [[ $k =~ ^[^./]+/ ]] || k=$(tr './' '/.' <<< "$k")
  mkdir -p "/proc/sys/$(dirname "$k")"; printf '%s\\n' "$v" > "/proc/sys/$k"
done`;
// systemctl show -p ...: a healthy containerd, enabled and active, its main process PID 1
// (see overlay-root.ts). Like systemd, it prints the properties asked for in its own order,
// not the order of the -p options.
export const SHOW_CONTAINERD = `for kv in MainPID=1 ActiveState=active UnitFileState=enabled; do [[ " $* " != *" \${kv%=*} "* ]] || echo "$kv"; done`;
export const SYSTEMCTL_SHOW = `if [ "$1" = show ]; then ${SHOW_CONTAINERD}; fi`;
