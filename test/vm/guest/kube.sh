#!/bin/bash
# kube.sh: the kubeadm-ready boot's report, run by report.sh when it is on the seed.
# It only reads the node: packages and their hold, swap now and before bake ran,
# kubeadm's host tools, kubelet's unit, the images in containerd's k8s.io namespace.
set -u
sec kube-packages
if command -v dpkg-query > /dev/null; then
  dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Version}\n' kubelet kubeadm kubectl cri-tools kubernetes-cni containerd.io 2>&1
  echo "--- apt-mark showhold"; apt-mark showhold 2>&1
  echo "--- containerd --version"; containerd --version 2>&1
  echo "--- docker.sources"; cat /etc/apt/sources.list.d/docker.sources 2>&1
  echo "--- kubernetes.sources"; cat /etc/apt/sources.list.d/kubernetes.sources 2>&1
  echo "--- keyring sha256"; sha256sum /etc/apt/keyrings/kubernetes-apt-keyring.asc 2>&1
else
  rpm -q kubelet kubeadm kubectl cri-tools 2>&1
  echo "--- kubernetes.repo"; cat /etc/yum.repos.d/kubernetes.repo 2>&1
  # the exclude line is the hold: dnf sees no kubeadm update unless told to lift it
  echo "--- dnf list --upgrades kubeadm"; dnf -q list --upgrades kubeadm 2>&1; echo "upgrades-exit: $?"
fi
sec kube-swap
echo "--- /proc/swaps"; cat /proc/swaps
echo "--- fstab swap lines"; grep -n 'swap' /etc/fstab
echo "swap.target: $(systemctl is-enabled swap.target 2>&1)"
echo "--- before bake (harness boothook)"; cat /var/lib/bake-vm/swap-before-bake.txt 2>&1
sec kube-tools
for c in conntrack socat iptables ip tc ethtool ebtables nsenter mount crictl kubeadm kubelet kubectl; do
  echo "$c: $(command -v "$c" || echo MISSING)"
done
sec kube-kubelet
echo "is-enabled: $(systemctl is-enabled kubelet 2>&1)"
kubelet --version 2>&1
kubeadm version 2>&1
sec kube-images
ctr -n k8s.io images ls -q 2>&1
