#!/bin/bash
# packer-job.sh: delivers bake's Packer script the way Packer's shell provisioner does,
# run by report.sh after cloud-init has finished (Packer templates typically start with
# `cloud-init status --wait`).
#
# Packer logs in as an unprivileged user, uploads the script into remote_folder (/tmp by
# default), and runs execute_command, here the usual sudo form with `bash` in front because
# the folder is mounted noexec, as on hardened images:
#   echo 'packer' | sudo -S sh -c '{{ .Vars }} bash {{ .Path }}'
# Every run is bracketed by a listing of the root filesystem (path, size, mtime, mode,
# owner); files that appear, vanish or change are hashed and reported.
#
# PACKER_RUNS (from params.env): space-separated list of script names on the seed, run in order.
set -u
H=/run/bake-vm/h
W=/var/tmp/bake-vm-packer
mkdir -p "$W"

sec job-setup
# the Packer SSH user: unprivileged, sudo with a password (sudo group on Debian, wheel on EL)
group=sudo; getent group sudo > /dev/null || group=wheel
id packer > /dev/null 2>&1 || useradd -m -s /bin/bash -G "$group" packer
echo 'packer:packer' | chpasswd
# remote_folder on a hardened image: /tmp as tmpfs mounted noexec
mount -t tmpfs -o noexec,nosuid,nodev,mode=1777 tmpfs /tmp
echo "tmp-mount: $(findmnt -no OPTIONS /tmp)"
printf '#!/bin/sh\necho executed\n' > /tmp/noexec-probe.sh && chmod 0755 /tmp/noexec-probe.sh
if /tmp/noexec-probe.sh > /dev/null 2>&1; then echo "noexec-probe: executed (folder is NOT noexec)"; else echo "noexec-probe: refused (folder is noexec)"; fi
rm -f /tmp/noexec-probe.sh

snap() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path "$W" \) -prune \
    -o \( -type f -o -type l \) -printf '%p\t%s\t%T@\t%m\t%U:%G\n' | LC_ALL=C sort > "$1"
  # content hashes where configuration lives, to tell a rewrite with equal bytes from a change
  find /etc /usr/local /opt /var/lib/bake -xdev -type f -print0 2>/dev/null | xargs -0 -r sha256sum | LC_ALL=C sort -k2 > "$1.sha"
}
# classify one path between listings $1 (before) and $2 (after)
classify() {
  local p=$3 old new
  if [ -L "$p" ]; then echo "$(readlink "$p" | sha256sum | cut -d' ' -f1)  $p  symlink"; return; fi
  if [ ! -e "$p" ]; then echo "-  $p  removed"; return; fi
  new=$(sha256sum "$p" | cut -d' ' -f1)
  if ! awk -F'\t' -v p="$p" '$1 == p { found = 1 } END { exit !found }' "$1"; then echo "$new  $p  new"; return; fi
  old=$(awk -v p="$p" '{ f = $0; sub(/^[0-9a-f]+  /, "", f) } f == p { print $1; exit }' "$1.sha")
  if [ -z "$old" ]; then echo "$new  $p  changed"
  elif [ "$old" = "$new" ]; then echo "$new  $p  touched"
  else echo "$new  $p  content-changed"
  fi
}

n=0
for script in ${PACKER_RUNS:-}; do
  n=$((n + 1))
  snap "$W/before-$n"
  # upload: Packer names the remote file script_<random>.sh and keeps the local mode
  remote=/tmp/script_$((RANDOM % 9000 + 1000)).sh
  install -m 0755 -o packer -g packer "$H/$script" "$remote"
  start=$(date +%s.%N)
  su -s /bin/sh packer -c "echo packer | sudo -S sh -c 'PACKER_BUILDER_TYPE=qemu PACKER_BUILD_NAME=bake-vm bash $remote'" > "$W/run-$n.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  rm -f "$remote"
  snap "$W/after-$n"
  sec "packer-run $n"
  echo "script: $script"
  echo "sha256: $(sha256sum < "$H/$script" | cut -d' ' -f1)"
  echo "remote: $remote"
  echo "exit: $rc"
  echo "seconds: $(echo "$end - $start" | awk '{ split($0, a, " - "); printf "%.1f", a[1] - a[2] }')"
  echo "status-file: $(cat /var/lib/bake/status 2>&1)"
  sec "packer-output $n"
  cat "$W/run-$n.log"
  sec "packer-changed $n"
  # lines only in one listing: files created, removed, or with new size/mtime/mode/owner
  LC_ALL=C comm -3 "$W/before-$n" "$W/after-$n" | sed 's/^\t//' | cut -f1 | LC_ALL=C sort -u | while IFS= read -r p; do
    [ -n "$p" ] && classify "$W/before-$n" "$W/after-$n" "$p"
  done
done
