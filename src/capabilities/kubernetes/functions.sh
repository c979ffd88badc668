# ---- kubeadm-ready node (kubernetes.enabled)
# Swap off now and at every boot: the swap lines of fstab commented out,
# swap.target masked, and zram-generator given /dev/null as its config (its
# documented off switch). Each part is skipped when already done.
bake_swap_off() {
  local swap_line='^[[:space:]]*[^#[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+swap([[:space:]]|$)'
  swapoff -a
  if [ -f /etc/fstab ] && grep -qE "$swap_line" /etc/fstab; then
    sed -i -E "/$swap_line/s/^/#bake: swap off for kubelet# /" /etc/fstab
    echo "bake: commented out the swap lines of /etc/fstab"
  fi
  if [ "$(systemctl is-enabled swap.target 2>/dev/null || true)" != masked ]; then systemctl mask swap.target; fi
  if [ -e /usr/lib/systemd/system-generators/zram-generator ] && [ ! -L /etc/systemd/zram-generator.conf ]; then
    ln -sfn /dev/null /etc/systemd/zram-generator.conf
    echo "bake: zram-generator disabled"
  fi
}
# A builtin, so the on-PATH checks run together in one background shell.
bake_on_path() { command -v "$1" >/dev/null; }
bake_swap_is_off() { [ "$(grep -c . /proc/swaps)" -le 1 ]; }
bake_fstab_has_no_swap() { ! grep -qE '^[[:space:]]*[^#[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+swap([[:space:]]|$)' /etc/fstab 2>/dev/null; }

# Nothing happens without firewalld. Running: bake's rules go into its permanent
# config, then a reload when the running rules lack one. Enabled but not running
# (a Packer build that has not started it): firewall-offline-cmd writes the config
# it loads at its next start. One function per action, so user-data carries only
# the action the spec picks.
bake_firewalld_stopped() { ! systemctl is-active --quiet firewalld && systemctl is-enabled --quiet firewalld 2>/dev/null; }
# The command that reads the rules firewalld runs with, or starts with; fails without firewalld.
bake_firewalld_cmd() {
  if bake_firewalld_stopped && command -v firewall-offline-cmd >/dev/null; then echo firewall-offline-cmd
  else systemctl is-active --quiet firewalld && echo firewall-cmd; fi
}
# $1 the pod network, then the ports to open. The pod network is a source of the
# trusted zone (target ACCEPT): what pods send passes, forwarded or to the node,
# whichever interface a CNI gives them (bridge, veth, overlay). The values are a
# CIDR and ports (the schema's formats), so they split into words safely.
# shellcheck disable=SC2086
bake_firewalld_open() {
  local pod=$1 what cmd
  shift
  if ! cmd=$(bake_firewalld_cmd); then echo "bake: firewalld is not active; no firewall change"; return 0; fi
  if [ "$cmd" = firewall-cmd ]; then cmd+=" --permanent"; else echo "bake: firewalld is enabled but not running; writing its permanent config"; fi
  for what in "source=$pod --zone=trusted" "${@/#/port=}"; do
    bake_quiet $cmd --query-$what || { $cmd --add-$what >/dev/null; echo "bake: firewalld: $cmd --add-$what"; }
  done
  if [ "$cmd" != firewall-offline-cmd ] && ! bake_firewalld_has_open "$pod" "$@"; then firewall-cmd --reload >/dev/null; echo "bake: firewalld: reloaded"; fi
}
bake_firewalld_has_open() {
  local pod=$1 port cmd
  shift
  cmd=$(bake_firewalld_cmd) || return 0
  bake_quiet "$cmd" --zone=trusted --query-source="$pod" || return 1
  for port in "$@"; do bake_quiet "$cmd" --query-port="$port" || return 1; done
}
bake_firewalld_disable() { if systemctl is-active --quiet firewalld || bake_firewalld_stopped; then systemctl disable --now firewalld; fi; }
bake_firewalld_disabled() { ! systemctl is-active --quiet firewalld && ! systemctl is-enabled --quiet firewalld 2>/dev/null; }

# SELinux mode $1 (permissive or enforcing) now and in /etc/selinux/config. A
# node with SELinux disabled stays so for permissive (it is less strict still);
# enforcing from disabled needs the relabel at the next boot.
bake_selinux_mode() {
  local mode=$1 config=/etc/selinux/config
  if [ ! -f "$config" ]; then echo "bake: no $config; SELinux is not installed"; return 0; fi
  if [ "$mode" = permissive ] && grep -qx 'SELINUX=disabled' "$config"; then echo "bake: SELinux is disabled; leaving it so"; return 0; fi
  if ! grep -qx "SELINUX=$mode" "$config"; then
    if grep -qx 'SELINUX=disabled' "$config"; then touch /.autorelabel; fi
    if grep -q '^SELINUX=' "$config"; then sed -i "s/^SELINUX=.*/SELINUX=$mode/" "$config"; else echo "SELINUX=$mode" >> "$config"; fi
    echo "bake: $config: SELINUX=$mode"
  fi
  if command -v selinuxenabled >/dev/null && selinuxenabled && [ "$(getenforce)" != "${mode^}" ]; then
    if [ "$mode" = enforcing ]; then setenforce 1; else setenforce 0; fi
  fi
}
bake_selinux_mode_is() {
  local config=/etc/selinux/config
  if [ ! -f "$config" ]; then return 0; fi
  if [ "$1" = permissive ] && grep -qx 'SELINUX=disabled' "$config"; then return 0; fi
  grep -qx "SELINUX=$1" "$config" || return 1
  if command -v selinuxenabled >/dev/null && selinuxenabled; then [ "$(getenforce)" = "${1^}" ]; fi
}

# kubeadm's preflight conditions, each on its own (docs/kubeadm-preflight.md).
bake_port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
bake_cpus_at_least() { [ "$(nproc)" -ge "$1" ]; }
bake_mem_mb_at_least() { [ "$(awk '/^MemTotal:/{print int($2/1024)}' /proc/meminfo)" -ge "$1" ]; }
bake_dir_empty() { [ -z "$(ls -A "$1" 2>/dev/null)" ]; }
bake_kernel_supported() { [[ $(uname -r) =~ ^(5\.(4|10|15)\.|([6-9]|[1-9][0-9]+)\.) ]]; }
bake_cgroup_controllers() { local c; for c; do grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || return 1; done; }
bake_kubelet_version_is() { case "$(kubelet --version)" in "Kubernetes v$1" | "Kubernetes v$1".* | "Kubernetes v$1 "*) ;; *) return 1 ;; esac; }
bake_pkg_major_is() { [[ $(bake_pkg_version "$1") =~ ^([0-9]+:)?$2\. ]]; }

# The version kubeadm works with: $1 when exact, else the installed kubeadm's.
bake_kubeadm_version() { if [ -n "$1" ]; then echo "v$1"; else kubeadm version -o short; fi; }
bake_kubeadm_version_is() {
  local v
  v=$(kubeadm version -o short)
  case "$v" in "v$1" | "v$1".*) echo "bake: kubeadm $v" ;; *) echo "bake: kubeadm is $v, the spec asks for $1" >&2; return 1 ;; esac
}

# $1 exact version or empty, $2 image repository or empty, $3 the role whose
# kubeadm images to pull (control-plane or worker; no for none), then extra
# images. kubeadm lists a control plane's images; a worker runs no static pod,
# so it drops those four (apiserver, controller-manager, scheduler, etcd) and
# keeps kube-proxy (a DaemonSet), pause and CoreDNS (a Deployment that may land
# on it). crictl pulls through CRI: into the k8s.io namespace, through the mirrors.
bake_images_wanted() {
  local version list
  if [ "$3" != no ]; then
    version=$(bake_kubeadm_version "$1")
    list=$(kubeadm config images list --kubernetes-version "$version" ${2:+--image-repository "$2"})
    if [ "$3" = worker ]; then list=$(grep -Ev '/(kube-(apiserver|controller-manager|scheduler)|etcd):' <<< "$list" || true); fi
    printf '%s\n' "$list"
  fi
  if [ "$#" -gt 3 ]; then printf '%s\n' "${@:4}"; fi
}
bake_pull_images() {
  local wanted image
  wanted=$(bake_images_wanted "$@")
  while read -r image; do
    [ -n "$image" ] || continue
    if bake_quiet crictl inspecti "$image"; then echo "bake: $image is already pulled"; else bake_retry crictl pull "$image"; fi
  done <<< "$wanted"
}
bake_images_present() {
  local wanted image absent=0
  wanted=$(bake_images_wanted "$@")
  while read -r image; do
    [ -n "$image" ] || continue
    if ! bake_quiet crictl inspecti "$image"; then echo "bake: $image is not in containerd's k8s.io namespace" >&2; absent=1; fi
  done <<< "$wanted"
  return "$absent"
}

# kubeadm's own preflight, last in verify, one function per role (user-data carries
# the spec's), each given the checks to let pass. Not once init or join ran: it
# is for a fresh node. kubeadm takes the version and image repository only from a
# config file in this phase.
bake_kubeadm_fresh_node() {
  [ -e /etc/kubernetes/kubelet.conf ] || return 0
  echo "bake: kubeadm init or join already ran on this node (/etc/kubernetes/kubelet.conf exists); preflight is for a fresh node, not run"
  return 1
}
# $1 exact version or empty, $2 image repository or empty, then the checks to let pass.
bake_kubeadm_init_preflight() {
  local version repo=$2 config ignore rc=0
  version=$(bake_kubeadm_version "$1")
  shift 2
  bake_kubeadm_fresh_node || return 0
  ignore=$(IFS=,; echo "$*")
  echo "bake: kubeadm init preflight (kubernetes $version); checks let pass: ${ignore:-none}"
  config=$(mktemp /tmp/bake-kubeadm-XXXXXX.yaml)
  printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: %s\n' "$version" > "$config"
  if [ -n "$repo" ]; then printf 'imageRepository: %s\n' "$repo" >> "$config"; fi
  kubeadm init phase preflight --config "$config" ${ignore:+--ignore-preflight-errors="$ignore"} || rc=$?
  rm -f "$config"
  return "$rc"
}
# The join preflight runs the node's checks, then discovers the cluster, which
# needs one: the endpoint is a documentation address (RFC 5737) and discovery
# gets 5 s. A failure with no [ERROR ...] line after the checks ran is that
# discovery, not the node.
bake_kubeadm_join_preflight() {
  local config ignore out rc=0
  bake_kubeadm_fresh_node || return 0
  ignore=$(IFS=,; echo "$*")
  echo "bake: kubeadm join preflight; checks let pass: ${ignore:-none}"
  config=$(mktemp /tmp/bake-kubeadm-XXXXXX.yaml)
  printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: 192.0.2.1:6443\n    token: abcdef.0123456789abcdef\n    unsafeSkipCAVerification: true\ntimeouts:\n  discovery: 5s\n' > "$config"
  out=$(kubeadm join phase preflight --config "$config" ${ignore:+--ignore-preflight-errors="$ignore"} 2>&1) || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -ne 0 ] && grep -q 'Running pre-flight checks' <<< "$out" && ! grep -q '\[ERROR ' <<< "$out"; then
    echo "bake: the node's preflight checks passed; kubeadm then stopped at cluster discovery, which needs a cluster: not checked here"
    rc=0
  fi
  rm -f "$config"
  return "$rc"
}


