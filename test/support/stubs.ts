// Stand-ins for commands, shared by the sandbox tests.

/**
 * The line each stub starts with: its name and argv as one NUL-separated record in
 * /stub/log. One write per record (cat of a small file): verify's checks run side by
 * side, and so do their stubs.
 */
export const LOG = `{ printf '%s' "\${0##*/}"; printf '\\0%s' "$@"; printf '\\0\\n'; } > /stub/rec.$$; cat /stub/rec.$$ >> /stub/log; rm -f /stub/rec.$$`;

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

/**
 * rpm -q [--qf FORMAT] NAME...: for each name, its NVRA (or FORMAT's NAME-VERSION-RELEASE)
 * when the shell test `installed NAME` passes, else "package NAME is not installed"; like
 * rpm, it exits with the count of names not installed. rpm --import takes any key.
 */
export const rpmQuery = (installed = "false") => `installed() { ${installed}; }
[ "$1" != --import ] || exit 0
n=0 qf=
while [ $# -gt 0 ]; do case "$1" in
  --qf) qf=1; shift ;;
  -*) ;;
  *) if ! installed "$1"; then echo "package $1 is not installed"; n=$((n + 1)); elif [ -n "$qf" ]; then printf '%s-2.0.99-1.el9' "$1"; else echo "$1-2.0.99-1.el9.x86_64"; fi ;;
esac; shift; done
exit $n`;

/**
 * check-containerd's version query (rpm -q --qf %{VERSION} NAME, or dpkg-query -W
 * -f='${db:Status-Status} ${Version}' NAME) answered for containerd's package from
 * /stub-data/containerd-version, the version its install left; as the real commands,
 * "not installed" without that file. Put before an rpm or dpkg-query stub's own
 * body; any other query falls through to it.
 */
export const CONTAINERD_PACKAGE_VERSION = `if [[ " $* " == *" %{VERSION} "* || " $* " == *' \${Version} '* ]] && [[ \${!#} == containerd || \${!#} == containerd.io ]]; then
  if [ ! -f /stub-data/containerd-version ]; then [[ $0 == *rpm ]] && echo "package \${!#} is not installed"; exit 1; fi
  if [[ $0 == *rpm ]]; then cat /stub-data/containerd-version; else echo "installed $(cat /stub-data/containerd-version)"; fi
  exit 0
fi`;

/** The stub body for command, with containerd's package version query in front of rpm's and dpkg-query's. */
export const withPackageVersion = (command: string, body: string) =>
  command === "rpm" || command === "dpkg-query" ? `${CONTAINERD_PACKAGE_VERSION}\n${body}` : body;

/**
 * The one check of kubeadm's preflight the stand-in kubeadms do run, in POSIX sh for
 * `kubeadm VERB phase preflight`: from 1.35, SystemVerification fails on a cgroup v1
 * node, where 1.34 warned (kubernetes/system-validators PR #61, vendored by kubernetes
 * PR #134744; read 2026-12-06). The message follows kubeadm 1.35's as quoted in
 * kubernetes/minikube#22315 (read 2026-12-06); cgroup v2 is told by
 * /sys/fs/cgroup/cgroup.controllers, as in bake.
 * Empty for a kubeadm older than 1.35.
 */
export function kubeadmCgroupV1Preflight(kubeadmVersion: string): string {
  const minor = Number(kubeadmVersion.replace(/^v/, "").split(".")[1]);
  if (minor < 35) return "";
  return `if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
  echo "[preflight] Running pre-flight checks"
  printf '%s\\n' "error execution phase preflight: [preflight] Some fatal errors occurred:" "	[ERROR SystemVerification]: cgroups v1 support is deprecated and will be removed in a future release. Please migrate to cgroups v2. (stand-in kubeadm ${kubeadmVersion}: the one preflight check it runs)" >&2
  exit 1
fi
`;
}

/**
 * gpg --with-colons --show-keys FILE (bake_key_fpr): a STAND-IN for a key file's listing, with the
 * fingerprint bake pins by default for the repo the file is named after (kubernetes.asc:
 * pkgs.k8s.io's; any other: docker's rpm key), valid; an empty or missing file lists nothing.
 */
export const GPG_SHOW_KEYS = `f=\${!#}; [ -s "$f" ] || exit 2
case "$f" in *kubernetes*) fpr=DE15B14486CD377B9E876E1A234654DA9A296436 ;; *) fpr=060A61C51B558A7F742B77AAC52FEB6B621E9F35 ;; esac
printf 'pub:-:2048:1:%s:1:::-:::scSC:::::::\\nfpr:::::::::%s:\\n' "\${fpr:24}" "$fpr"`;
