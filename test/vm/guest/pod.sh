#!/bin/bash
# pod.sh: runs a pod on the node bake made, the way a kubelet would, with the real crictl and
# /etc/crictl.yaml as bake wrote it. Started by report.sh (sourced functions: sec); prints
# "key: value" lines in "@@BAKE-VM@@ pod-*" sections that the host asserts.
#
# POD_MODE=pull   (cloud-init boots) images must be absent; the workload is pulled, the sandbox
#                 image is pulled by runp, both through the mirror in hosts.toml.
# POD_MODE=baked  (second boot of a Packer-baked disk) the registry is gone; both images must
#                 already be on disk.
# POD_NET=1       (Debian images) then two pods on a CNI bridge network (pod-net.conflist from the
#                 seed; the plugins only in /opt/cni/bin, where the image put them), and the same
#                 with containerd told to search /usr/lib/cni alone.
# POD_LIB=1       sourced by another guest script for pod_net and its helpers: runs nothing.
# POD_NEGATIVE=1  afterwards, break the node three ways and record what the same steps show:
#                 no hosts.toml, SystemdCgroup = false, a sandbox image the mirror does not have.
set -u
H=/run/bake-vm/h
W=/run/bake-vm/pod
mkdir -p "$W" /var/log/pods/bake-vm
POD_MODE=pull
POD_NEGATIVE=""
POD_NET=""
# the boot's registry as the guest reaches it (host:port)
POD_NET_REGISTRY=""
# seconds a traffic probe of pod_net may take
PROBE_SECS=20
POD_SANDBOX_IMAGE=""
POD_WORKLOAD_IMAGE=""
CONTAINERD_ROOT=/var/lib/containerd
POD=""
CTR=""
# shellcheck disable=SC1091
. "$H/params.env"

# pod_json FILE NAME NETWORK: a pod sandbox config. NETWORK 2 is the node's network (no hostname
# then: the pod shares the node's UTS namespace too, and runc refuses one); 0 is a network
# namespace of the pod's own, which containerd sets up with CNI.
pod_json() {
  local hostname=""
  [ "$3" = 2 ] || hostname="\"hostname\": \"$2\","
  mkdir -p "/var/log/pods/bake-vm/$2"
  cat > "$1" <<EOF
{
  "metadata": { "name": "$2", "namespace": "bake-vm", "uid": "bake-vm-$2", "attempt": 0 },
  $hostname
  "log_directory": "/var/log/pods/bake-vm/$2",
  "linux": {
    "cgroup_parent": "kubepods.slice",
    "security_context": { "namespace_options": { "network": $3 } }
  }
}
EOF
}

# ctr_json FILE [COMMAND...]: the workload container; a COMMAND replaces the image's entrypoint.
ctr_json() {
  local file=$1 command=""
  shift
  [ $# = 0 ] || command="\"command\": [$(printf '"%s",' "$@" | sed 's/,$//')],"
  cat > "$file" <<EOF
{
  "metadata": { "name": "probe" },
  "image": { "image": "$POD_WORKLOAD_IMAGE" },
  $command
  "log_path": "probe.log",
  "linux": {}
}
EOF
}

pod_json "$W/pod.json" bakeprobe 2
ctr_json "$W/ctr.json"

# crictl.yaml's timeout (bake writes 10 s) is for a real machine; under TCG a pull or a sandbox
# start takes longer, so the slow calls get more time. The endpoints still come from crictl.yaml.
slow() { crictl --timeout 180s "$@"; }
present() { if crictl inspecti "$1" > /dev/null 2>&1; then echo present; else echo absent; fi; }
field() { crictl "$1" -o go-template --template "$2" "$3" 2>&1; }

# pod_up POD_JSON CTR_JSON [KEY_PREFIX]: starts the pod and its container (ids in POD and CTR);
# prints runp/create/start results, state and cgroups, each key after KEY_PREFIX.
pod_up() {
  local p=${3:-} spid state pid
  CTR=""
  POD=$(slow runp "$1" 2> "$W/runp.err"); echo "${p}runp-exit: $?"; echo "${p}pod-id: $POD"
  sed "s/^/${p}runp-stderr: /" "$W/runp.err"
  [ -n "$POD" ] || return 1
  spid=$(field inspectp '{{.info.pid}}' "$POD")
  echo "${p}sandbox-pid: $spid"; echo "${p}sandbox-cgroup: $(cat "/proc/$spid/cgroup" 2>&1)"
  CTR=$(slow create "$POD" "$2" "$1" 2>&1); echo "${p}create-exit: $?"; echo "${p}container-id: $CTR"
  slow start "$CTR" > /dev/null 2>&1; echo "${p}start-exit: $?"
  for _ in $(seq 30); do
    state=$(field inspect '{{.status.state}}' "$CTR")
    [ "$state" = CONTAINER_RUNNING ] && break
    sleep 1
  done
  echo "${p}container-state: $state"
  pid=$(field inspect '{{.info.pid}}' "$CTR")
  echo "${p}container-pid: $pid"
  echo "${p}container-cgroup: $(cat "/proc/$pid/cgroup" 2>&1)"
  echo "${p}container-unit: $(ps -o unit= -p "$pid" 2>&1)"
}

# pod_down POD_ID [KEY_PREFIX]: stops and removes the pod.
pod_down() {
  slow stopp "$1" > /dev/null 2>&1; echo "${2:-}stopp-exit: $?"
  slow rmp "$1" > /dev/null 2>&1; echo "${2:-}rmp-exit: $?"
}

pods_left() {
  echo "pods-left: $(crictl pods -q 2>/dev/null | wc -l)"
  echo "containers-left: $(crictl ps -a -q 2>/dev/null | wc -l)"
}

# names DIR: the names in DIR on one line, sorted (nothing when DIR is absent)
names() { find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | tr '\n' ' '; }

# cni_networks NAME: the CNI networks containerd's CRI has loaded, once NAME is among them (it
# reloads /etc/cni/net.d on its own, a moment after a change; waits up to 30 s).
cni_networks() {
  local names
  for _ in $(seq 30); do
    names=$(crictl info 2>/dev/null | sed -En 's/^[[:space:]]*"Name": "(.*)",?$/\1/p' | tr '\n' ' ')
    case " $names" in *" $1 "*) break ;; esac
    sleep 1
  done
  echo "$names"
}

# network_ready: crictl info's NetworkReady condition
network_ready() {
  local cond
  cond=$(crictl info 2>/dev/null | tr -d ' \n' | grep -o '{[^{}]*"type":"NetworkReady"[^{}]*}')
  case $cond in *'"status":true'*) echo true ;; *) echo "false ${cond:-no NetworkReady condition}" ;; esac
}

# cni_search_only DIR: config.toml's CNI plugin search becomes DIR alone, the rest stays bake's.
# Schema 2 (containerd 1.7) takes one bin_dir; schema 3 (forky's 2.1) a bin_dirs list.
cni_search_only() {
  local conf=/etc/containerd/config.toml key value table
  if grep -q '^version = 3' "$conf"; then
    key=bin_dirs value="[\"$1\"]" table='[plugins."io.containerd.cri.v1.runtime".cni]'
  else
    key=bin_dir value="\"$1\"" table='[plugins."io.containerd.grpc.v1.cri".cni]'
  fi
  if grep -Eq '^[[:space:]]*bin_dirs? = ' "$conf"; then
    sed -Ei "s#^([[:space:]]*)bin_dirs? = .*#\1$key = $value#" "$conf"
    echo "cni-edit: replaced"
  else
    printf '\n%s\n  %s = %s\n' "$table" "$key" "$value" >> "$conf"
    echo "cni-edit: appended"
  fi
}

# in_pod CONTAINER APPLET ARGS...: a busybox applet in the container, killed after $PROBE_SECS seconds
# there (this busybox's wget has no timeout of its own; a stray packet would hang it)
in_pod() {
  local ctr=$1
  shift
  crictl exec "$ctr" /bin/busybox timeout "$PROBE_SECS" /bin/busybox "$@" 2>&1
}

# pod_net EXPECT: two pods, a and b, on the CNI network of /etc/cni/net.d; then traffic from a to
# b (ICMP, and TCP: b's container serves its /etc over HTTP on 8080) and from a to the host's
# registry. Prints "key: value" lines into the current section; the host asserts them. EXPECT
# (pass or fail) is the caller's expectation: a fail case waits less for traffic meant not to
# arrive, and says so in the section.
pod_net() {
  local pod_a ctr_a ip_a ip_b out rc
  PROBE_SECS=20
  [ "$1" = pass ] || PROBE_SECS=5
  echo "expect: $1"
  echo "uptime-start: $(cut -d' ' -f1 /proc/uptime)"
  echo "cni-conf: $(names /etc/cni/net.d)"
  echo "opt-cni-bin: $(names /opt/cni/bin)"
  echo "usr-lib-cni: $(names /usr/lib/cni)"
  echo "node-eth0: $(ip -4 -o addr show eth0 2>&1 | sed -E 's/.* inet ([0-9./]+) .*/\1/')"
  # the CRI plugin's cni table of the effective config: 1.7 prints bin_dir, 2.1 bin_dir (empty) and bin_dirs
  echo "cni-bin-dirs: $(containerd config dump 2>/dev/null |
    sed -En '/\.cni\]$/,/^[[:space:]]*\[/ s/^[[:space:]]*(bin_dirs?) = (.*)/\1=\2/p' | tr '\n' ' ')"
  echo "cni-networks: $(cni_networks "$(sed -En 's/^  "name": "(.*)",$/\1/p' /etc/cni/net.d/10-bake-vm.conflist)")"
  echo "network-ready: $(network_ready)"
  pod_json "$W/net-a.json" net-a 0
  pod_json "$W/net-b.json" net-b 0
  ctr_json "$W/net-a-ctr.json"
  ctr_json "$W/net-b-ctr.json" /bin/busybox httpd -f -p 8080 -h /etc
  if pod_up "$W/net-a.json" "$W/net-a-ctr.json" a-; then
    pod_a=$POD ctr_a=$CTR
    ip_a=$(field inspectp '{{.status.network.ip}}' "$pod_a")
    echo "a-ip: $ip_a"
    echo "a-eth0: $(crictl exec "$ctr_a" /bin/busybox ip -o -f inet addr show eth0 2>&1)"
    if pod_up "$W/net-b.json" "$W/net-b-ctr.json" b-; then
      ip_b=$(field inspectp '{{.status.network.ip}}' "$POD")
      echo "b-ip: $ip_b"
      echo "node-cni0: $(ip -4 -o addr show cni0 2>&1)"
      out=$(in_pod "$ctr_a" ping -c 3 "$ip_b"); rc=$?
      echo "ping-a-b-exit: $rc"; echo "ping-a-b: $(echo "$out" | grep 'packets transmitted')"
      out=$(in_pod "$ctr_a" wget -q -O - "http://$ip_b:8080/bakeprobe"); rc=$?
      echo "http-a-b-exit: $rc"; echo "http-a-b: $out"
      out=$(in_pod "$ctr_a" wget -q -O - "http://$POD_NET_REGISTRY/v2/"); rc=$?
      echo "http-a-registry-exit: $rc"; echo "http-a-registry: $out"
      pod_down "$POD" b-
    fi
    pod_down "$pod_a" a-
  fi
  # a runp that failed can leave its sandbox behind
  crictl pods -q 2>/dev/null | xargs -r crictl rmp -f > /dev/null 2>&1
  pods_left
  echo "uptime-end: $(cut -d' ' -f1 /proc/uptime)"
}

restart_containerd() {
  systemctl restart containerd
  for _ in $(seq 60); do crictl info > /dev/null 2>&1 && return 0; sleep 1; done
  echo "containerd did not come back"
}

# POD_LIB=1: sourced for its functions (firewall.sh), nothing run
[ -z "${POD_LIB:-}" ] || return 0

sec pod-crictl-info
crictl --version 2>&1
# crictl's table output clears the screen first
crictl config --list 2>&1 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
crictl info > "$W/info.json" 2> "$W/info.err"; echo "info-exit: $?"
sed 's/^/info-stderr: /' "$W/info.err"
sed -n '/"conditions"/,/\]/p' "$W/info.json"

sec pod-images-before
echo "sandbox-before: $(present "$POD_SANDBOX_IMAGE")"
echo "workload-before: $(present "$POD_WORKLOAD_IMAGE")"

if [ "$POD_MODE" = pull ]; then
  sec pod-pull
  slow pull "$POD_WORKLOAD_IMAGE" 2>&1; echo "pull-exit: $?"
fi

sec pod-up
pod_up "$W/pod.json" "$W/ctr.json"
echo "sandbox-after: $(present "$POD_SANDBOX_IMAGE")"

sec pod-exec
out=$(slow exec "$CTR" cat /etc/bakeprobe 2>&1); rc=$?
echo "exec-output: $out"; echo "exec-exit: $rc"

sec pod-layers
# content blobs and unpacked layers, under the configured root and under the default one
for root in "$CONTAINERD_ROOT" /var/lib/containerd; do
  find "$root/io.containerd.content.v1.content/blobs/sha256" -type f -printf "blob $root sha256:%f\n" 2>/dev/null
  find "$root"/io.containerd.snapshotter.v1.overlayfs/snapshots/*/fs/etc -name bakeprobe -printf "unpacked $root %p\n" 2>/dev/null
done

sec pod-down
pod_down "$POD"
pods_left

conf=/etc/containerd/config.toml
cp "$conf" "$W/config.toml.bake"

if [ -n "$POD_NET" ]; then
  mkdir -p /etc/cni/net.d
  cp "$H/pod-net.conflist" /etc/cni/net.d/10-bake-vm.conflist

  sec pod-net
  pod_net pass

  sec neg-cni-usr-lib-only
  # the plugins stay in /opt/cni/bin; containerd searches only Debian's dir (trixie's default)
  cni_search_only /usr/lib/cni
  restart_containerd
  pod_net fail

  cp "$W/config.toml.bake" "$conf"
  restart_containerd
fi

if [ -n "$POD_NEGATIVE" ]; then

  sec neg-no-hosts-toml
  # the same pull, with the mirror's hosts.toml out of the way
  mv /etc/containerd/certs.d/docker.io "$W/docker.io.off"
  crictl rmi "$POD_WORKLOAD_IMAGE" > /dev/null 2>&1
  timeout 150 crictl --timeout 120s pull "$POD_WORKLOAD_IMAGE" 2>&1 | tail -n 3; echo "pull-exit: ${PIPESTATUS[0]}"
  mv "$W/docker.io.off" /etc/containerd/certs.d/docker.io
  slow pull "$POD_WORKLOAD_IMAGE" > /dev/null 2>&1

  sec neg-systemd-cgroup-off
  sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' "$conf"
  grep -c 'SystemdCgroup = false' "$conf" | sed 's/^/edited-lines: /'
  restart_containerd
  pod_up "$W/pod.json" "$W/ctr.json"
  pod_down "$POD"
  pods_left

  sec neg-sandbox-image-wrong
  cp "$W/config.toml.bake" "$conf"
  # a tag the mirror does not have: what a node gets when its sandbox image is wrong
  sed -i "s#\"$POD_SANDBOX_IMAGE\"#\"${POD_SANDBOX_IMAGE%:*}:0.0-absent\"#" "$conf"
  grep -c ':0.0-absent"' "$conf" | sed 's/^/edited-lines: /'
  restart_containerd
  POD=$(timeout 150 crictl --timeout 120s runp "$W/pod.json" 2> "$W/runp.err"); echo "runp-exit: $?"; echo "pod-id: $POD"
  tail -n 3 "$W/runp.err" | sed 's/^/runp-stderr: /'
  crictl pods -q | xargs -r crictl rmp -f > /dev/null 2>&1

  cp "$W/config.toml.bake" "$conf"
  restart_containerd
fi
