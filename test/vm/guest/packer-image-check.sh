#!/bin/bash
# packer-image-check.sh: the first boot of the image a Packer example built (job.sh of the
# baked boot). Records what makes the image clean, then re-runs bake's script as root, as
# a check that must pass and change nothing (its steps are idempotent and end with verify).
set -u
H=/run/bake-vm/h
IMAGE_BUILD_USER=packer
# shellcheck disable=SC1091
. "$H/params.env"

sec image-clean
echo "machine-id: $(cat /etc/machine-id)"
echo "instance-id: $(cat /var/lib/cloud/data/instance-id 2>&1)"
# cloud-init clean removed the build's instance: only this boot's is left
echo "instances: $(find /var/lib/cloud/instances -mindepth 1 -maxdepth 1 -printf '%f ' 2>&1)"
echo "init-local-runs: $(grep -c "running 'init-local'" /var/log/cloud-init.log 2>&1)"
echo "passwd-status: $(passwd -S "$IMAGE_BUILD_USER" 2>&1)"
# cloud-init writes the new instance's default user's rule again; none may name the build user
echo "sudo-rules-naming-user: $(grep -rsh "^${IMAGE_BUILD_USER}[[:space:]]" /etc/sudoers /etc/sudoers.d | wc -l)"
echo "sudo-list: $(sudo -n -l -U "$IMAGE_BUILD_USER" 2>&1 | tr '\n' ' ')"

sec image-verify
bash "$H/bake-packer.sh" 2>&1 | tail -n 40
echo "exit: ${PIPESTATUS[0]}"
