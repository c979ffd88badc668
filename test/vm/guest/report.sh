#!/bin/bash
# report.sh: runs inside the test VM, started by bake-vm-hook after boot.
# Waits until cloud-init has finished (bake's provisioning ran in its final stage),
# optionally runs a harness job (job.sh: the Packer scenario), then writes everything
# the host checks to the report port (ttyS1) as "@@BAKE-VM@@ <name>" sections,
# and powers the VM off. It only reads the system; it changes nothing bake wrote.
set -u
H=/run/bake-vm/h
# defaults; params.env from the seed overrides them
# the report's port: arm64's `virt` machine has one UART, so there a virtio-serial port
REPORT_PORT=/dev/ttyS1
CONTAINERD_ROOT=/var/lib/containerd
CONTAINERD_STATE=/run/containerd
SYSCTL_KEYS="net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables"
REPORT_FILES=""
PACKAGES="podman buildah containerd containerd.io runc curl"
# shellcheck disable=SC1091
[ -f "$H/params.env" ] && . "$H/params.env"
OUT=$REPORT_PORT
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The harness's apt cache (test/vm/lib/apt-cache.ts), a stand-in for a near mirror: set
# before cloud-init's final stage, where every boot's runcmd runs apt.
[ -f "$H/apt-proxy.conf" ] && cp "$H/apt-proxy.conf" /etc/apt/apt.conf.d/00bake-vm-apt-cache

stty -F "$OUT" raw -echo 115200 2>/dev/null
sec() { printf '\n@@BAKE-VM@@ %s\n' "$1"; }
export -f sec

echo "bake-vm: report.sh waiting for cloud-init" > /dev/console
# Not `cloud-init status --wait` alone: it runs systemctl up to six times every
# 0.25 s, and `cloud-init status` is a Python start of seconds; under TCG they
# took half a vCPU and slowed the very boot being timed. cloud-init links
# result.json into /run/cloud-init when its final stage ends (init-local deleted
# last boot's), and a file test costs nothing. Should cloud-init end without one,
# systemd's boot is no longer starting (cloud-final is part of it).
# The pause is bash's read on a FIFO that nothing writes, not sleep: a process a
# second cost about 5 s of CPU over an install under TCG.
if rm -f /run/bake-vm/tick && mkfifo /run/bake-vm/tick && exec 9<> /run/bake-vm/tick; then
  tick() { read -r -t 1 -u 9 || :; }
else
  tick() { sleep 1; }
fi
waited=0
until [ -e /run/cloud-init/result.json ]; do
  tick
  waited=$((waited + 1))
  if [ $((waited % 30)) = 0 ]; then
    case $(systemctl is-system-running 2>/dev/null) in running | degraded) break ;; esac
  fi
done
cloud-init status --wait > /dev/null 2>&1
while [ "$(systemctl show -p ActiveState --value cloud-final.service)" = activating ]; do sleep 2; done
READY_UPTIME=$(cut -d' ' -f1 /proc/uptime)

{
  sec start; echo "uptime-ready: $READY_UPTIME"; date -u +%FT%TZ
  if [ -f "$H/job.sh" ]; then
    sec job-start; echo "uptime: $(cut -d' ' -f1 /proc/uptime)"
    bash "$H/job.sh"
    sec job-end; echo "exit: $?"; echo "uptime: $(cut -d' ' -f1 /proc/uptime)"
  fi
  sec os; cat /etc/os-release; uname -a
  sec versions
  cloud-init --version 2>&1
  containerd --version 2>&1
  runc --version 2>&1 | head -1
  sec user-data-sha256; sha256sum /var/lib/cloud/instance/user-data.txt 2>&1
  sec cloud-init-status; cloud-init status --long 2>&1; echo "exit: $?"
  sec result.json; cat /var/lib/cloud/data/result.json 2>&1
  sec analyze-show; cloud-init analyze show 2>&1 | tail -n 60
  sec analyze-blame; cloud-init analyze blame 2>&1 | head -n 40
  sec systemd-analyze; systemd-analyze 2>&1; systemctl --failed --no-legend --plain 2>&1
  sec systemd-blame; systemd-analyze blame 2>&1 | head -n 15
  sec bake-status; cat /var/lib/bake/status 2>&1
  sec bake-log; cat /var/log/bake-provision.log 2>&1
  sec cloud-init-output; cat /var/log/cloud-init-output.log 2>&1
  sec lsmod; lsmod
  sec sysctl
  # shellcheck disable=SC2086
  for k in $SYSCTL_KEYS; do sysctl "$k" 2>&1; done
  sec containerd-unit
  echo "is-enabled: $(systemctl is-enabled containerd 2>&1)"
  echo "is-active: $(systemctl is-active containerd 2>&1)"
  pid=$(systemctl show -p MainPID --value containerd 2>/dev/null)
  echo "main-pid: $pid"
  if [ -n "$pid" ] && [ "$pid" != 0 ]; then echo "oom_score_adj: $(cat "/proc/$pid/oom_score_adj")"; fi
  systemctl show containerd -p OOMScoreAdjust -p LimitNOFILE -p TasksMax -p Delegate -p FragmentPath -p DropInPaths 2>&1
  sec containerd-unit-cat; systemctl cat containerd 2>&1
  sec ctr-version; ctr version 2>&1
  sec ctr-plugins; ctr plugins ls 2>&1
  sec config-toml; cat /etc/containerd/config.toml 2>&1
  sec config-dump; containerd config dump 2>&1
  sec ls-root; ls -la "$CONTAINERD_ROOT" 2>&1
  sec ls-state; ls -la "$CONTAINERD_STATE" 2>&1
  sec ls-default-root; ls -la /var/lib/containerd 2>&1
  for f in $REPORT_FILES; do
    sec "file $f"
    if [ -f "$f" ]; then cat "$f"; else echo "MISSING"; fi
  done
  sec packages
  if command -v dpkg-query > /dev/null; then
    # shellcheck disable=SC2086
    dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Version} ${Architecture}\n' $PACKAGES 2>&1
  else
    # shellcheck disable=SC2086
    rpm -q $PACKAGES 2>&1
  fi
  sec crictl
  ls -l /usr/local/bin/crictl 2>&1 && sha256sum /usr/local/bin/crictl && crictl --version 2>&1
  echo "--- crictl info"; crictl info 2>&1; echo "exit: $?"
  # the pod proof (pod.sh on the seed): after everything above, so those sections show the node as bake left it
  if [ -f "$H/pod.sh" ]; then bash "$H/pod.sh"; fi
  # the kubeadm-ready boot's own sections
  if [ -f "$H/kube.sh" ]; then bash "$H/kube.sh"; fi
  # issue 27 item 4: firewalld switched on after cloud-init, bake run again, pod traffic (it changes the node: last)
  if [ -f "$H/firewall.sh" ]; then bash "$H/firewall.sh"; fi
  sec journal-containerd; journalctl -b -u containerd --no-pager 2>&1 | tail -n 40
  sec selinux; getenforce 2>&1; ls -dZ "$CONTAINERD_ROOT" 2>&1
  sec end; echo "uptime: $(cut -d' ' -f1 /proc/uptime)"
} > "$OUT" 2>&1
sync
# the Packer example's build (packer-example.sh): last, since it cleans cloud-init's state and
# its shutdown_command powers the VM off; this poweroff then only ends a build that failed
if [ -f "$H/packer-example.sh" ]; then bash "$H/packer-example.sh" > "$OUT" 2>&1; sync; fi
echo "bake-vm: report written, powering off" > /dev/console
systemctl poweroff
