#!/bin/bash
# firewall.sh: issue 27 item 4, on the kubeadm-ready node's second boot, run by report.sh after
# kube.sh (so every section before it shows the node as bake left it). Two pods on a bridge and on
# a routed ptp network without firewalld; then Debian's firewalld switched on after cloud-init ran
# (Debian's cloud-init conflicts with firewalld: installing it removes cloud-init, whose work is
# done), bake's provisioner run again as a second Packer run would, and the same traffic with
# bake's rule; then without it (the negative control: the pod network dropped from firewalld's
# running rules, the ports left open), and bake run once more. Prints "key: value" lines in
# "@@BAKE-VM@@ fw-*" sections that the host asserts.
set -u
H=/run/bake-vm/h
W=/run/bake-vm/pod
# the spec's kubernetes.podSubnet; params.env sets it
FW_POD_SUBNET=""
POD_LIB=1
# pod.sh, on the seed as pod-lib.sh so that report.sh does not run its single-pod proof here
# shellcheck source=pod.sh
. "$H/pod-lib.sh"

# net_conf FILE: the pod network pod_net uses becomes FILE (a conflist from the seed)
net_conf() { cp "$H/$1" /etc/cni/net.d/10-bake-vm.conflist; }

# bake_run: bake's provisioner again, as it is on the node; its firewalld lines and verdict
bake_run() {
  /bin/bash /usr/local/sbin/bake-provision > "$W/bake-run.log" 2>&1
  echo "bake-exit: $?"
  grep -E '^bake: (firewalld|(ok   |FAIL )- firewalld|FAILED|all steps)' "$W/bake-run.log" | sed 's/^/bake-log: /'
}

fw_state() {
  echo "firewalld-active: $(systemctl is-active firewalld 2>&1)"
  echo "trusted-sources: $(firewall-cmd --zone=trusted --list-sources 2>&1)"
  echo "trusted-sources-permanent: $(firewall-cmd --permanent --zone=trusted --list-sources 2>&1)"
  echo "default-zone-ports: $(firewall-cmd --list-ports 2>&1)"
}

mkdir -p /etc/cni/net.d
sec fw-pull
slow pull "$POD_WORKLOAD_IMAGE" 2>&1; echo "pull-exit: $?"

sec fw-off-bridge
net_conf pod-net.conflist
pod_net pass

sec fw-off-ptp
net_conf pod-net-ptp.conflist
pod_net pass

sec fw-install
echo "uptime-start: $(cut -d' ' -f1 /proc/uptime)"
DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=120 install firewalld > "$W/apt.log" 2>&1
echo "install-exit: $?"
grep -E '^(Removing|Setting up) (cloud-init|firewalld) ' "$W/apt.log"
echo "firewalld-version: $(dpkg-query -W -f='${Version}' firewalld 2>&1)"
echo "cloud-init-status: $(dpkg-query -W -f='${db:Status-Abbrev}' cloud-init 2>&1)"
systemctl enable --now firewalld > /dev/null 2>&1
echo "backend: $(sed -n 's/^FirewallBackend=//p' /etc/firewalld/firewalld.conf)"
echo "default-zone: $(firewall-cmd --get-default-zone 2>&1)"
fw_state
echo "uptime-end: $(cut -d' ' -f1 /proc/uptime)"

sec fw-bake-run
bake_run
fw_state

sec fw-on-ptp
pod_net pass

sec fw-on-bridge
net_conf pod-net.conflist
pod_net pass

sec fw-neg-bridge
firewall-cmd --zone=trusted --remove-source="$FW_POD_SUBNET" 2>&1 | sed 's/^/remove-source: /'
fw_state
pod_net fail

sec fw-neg-ptp
net_conf pod-net-ptp.conflist
pod_net fail

sec fw-bake-rerun
bake_run
fw_state
