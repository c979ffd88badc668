#!/bin/bash
# pod.sh: runs a pod on the node bake made, the way a kubelet would, with the real crictl and
# /etc/crictl.yaml as bake wrote it. Started by report.sh (sourced functions: sec); prints
# "key: value" lines in "@@BAKE-VM@@ pod-*" sections that the host asserts.
#
# POD_MODE=pull   (cloud-init boots) images must be absent; the workload is pulled, the sandbox
#                 image is pulled by runp, both through the mirror in hosts.toml.
# POD_MODE=baked  (second boot of a Packer-baked disk) the registry is gone; both images must
#                 already be on disk.
# POD_NEGATIVE=1  afterwards, break the node three ways and record what the same steps show:
#                 no hosts.toml, SystemdCgroup = false, a sandbox image the mirror does not have.
set -u
H=/run/bake-vm/h
W=/run/bake-vm/pod
mkdir -p "$W" /var/log/pods/bake-vm
POD_MODE=pull
POD_NEGATIVE=""
POD_SANDBOX_IMAGE=""
POD_WORKLOAD_IMAGE=""
CONTAINERD_ROOT=/var/lib/containerd
POD=""
CTR=""
# shellcheck disable=SC1091
. "$H/params.env"

# no hostname: with the node's network the pod shares its UTS namespace too (runc refuses one)
cat > "$W/pod.json" <<'EOF'
{
  "metadata": { "name": "bakeprobe", "namespace": "bake-vm", "uid": "bake-vm-pod", "attempt": 0 },
  "log_directory": "/var/log/pods/bake-vm",
  "linux": {
    "cgroup_parent": "kubepods.slice",
    "security_context": { "namespace_options": { "network": 2 } }
  }
}
EOF
cat > "$W/ctr.json" <<EOF
{
  "metadata": { "name": "probe" },
  "image": { "image": "$POD_WORKLOAD_IMAGE" },
  "log_path": "probe.log",
  "linux": {}
}
EOF

# crictl.yaml's timeout (bake writes 10 s) is for a real machine; under TCG a pull or a sandbox
# start takes longer, so the slow calls get more time. The endpoints still come from crictl.yaml.
slow() { crictl --timeout 180s "$@"; }
present() { if crictl inspecti "$1" > /dev/null 2>&1; then echo present; else echo absent; fi; }
field() { crictl "$1" -o go-template --template "$2" "$3" 2>&1; }

# Starts the pod and its container; prints runp/create/start results, state and cgroups.
pod_up() {
  POD=$(slow runp "$W/pod.json" 2> "$W/runp.err"); echo "runp-exit: $?"; echo "pod-id: $POD"
  sed 's/^/runp-stderr: /' "$W/runp.err"
  [ -n "$POD" ] || return 1
  spid=$(field inspectp '{{.info.pid}}' "$POD")
  echo "sandbox-pid: $spid"; echo "sandbox-cgroup: $(cat "/proc/$spid/cgroup" 2>&1)"
  CTR=$(slow create "$POD" "$W/ctr.json" "$W/pod.json" 2>&1); echo "create-exit: $?"; echo "container-id: $CTR"
  slow start "$CTR" > /dev/null 2>&1; echo "start-exit: $?"
  for _ in $(seq 30); do
    state=$(field inspect '{{.status.state}}' "$CTR")
    [ "$state" = CONTAINER_RUNNING ] && break
    sleep 1
  done
  echo "container-state: $state"
  pid=$(field inspect '{{.info.pid}}' "$CTR")
  echo "container-pid: $pid"
  echo "container-cgroup: $(cat "/proc/$pid/cgroup" 2>&1)"
  echo "container-unit: $(ps -o unit= -p "$pid" 2>&1)"
}

pod_down() {
  slow stopp "$POD" > /dev/null 2>&1; echo "stopp-exit: $?"
  slow rmp "$POD" > /dev/null 2>&1; echo "rmp-exit: $?"
  echo "pods-left: $(crictl pods -q 2>/dev/null | wc -l)"
  echo "containers-left: $(crictl ps -a -q 2>/dev/null | wc -l)"
}

restart_containerd() {
  systemctl restart containerd
  for _ in $(seq 60); do crictl info > /dev/null 2>&1 && return 0; sleep 1; done
  echo "containerd did not come back"
}

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
pod_up
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
pod_down

if [ -n "$POD_NEGATIVE" ]; then
  conf=/etc/containerd/config.toml
  cp "$conf" "$W/config.toml.bake"

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
  pod_up
  pod_down

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
