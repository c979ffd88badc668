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
# PACKER_PULL_IMAGES: images to pull with crictl afterwards, as an image-bake template's next
# provisioner does, so that the baked disk holds them at first boot.
# PACKER_HOLD_DPKG_LOCK: seconds another process keeps dpkg's lock once run 1 reaches bake's
# install-containerd step, as unattended-upgrades does on a cloud image's first boot. Longer
# than bake's retries (5 + 10 + 15 s): only apt waiting for the lock lets the run pass.
set -u
H=/run/bake-vm/h
W=/var/tmp/bake-vm-packer
mkdir -p "$W"
PACKER_RUNS=""
PACKER_PULL_IMAGES=""
PACKER_HOLD_DPKG_LOCK=""
# shellcheck disable=SC1091
. "$H/params.env"

sec job-setup
# the Packer SSH user: unprivileged, sudo with a password (sudo group on Debian, wheel on EL)
group=sudo; getent group sudo > /dev/null || group=wheel
id packer > /dev/null 2>&1 || useradd -m -s /bin/bash -G "$group" packer
echo 'packer:packer' | chpasswd
# sudo looks up the host's name; a cloud image's /etc/hosts has it (cloud-init's
# manage_etc_hosts), this built image's does not, and each failed lookup is not Packer's cost.
getent hosts "$(hostname)" > /dev/null || echo "127.0.1.1 $(hostname)" >> /etc/hosts
# remote_folder on a hardened image: /tmp as tmpfs mounted noexec
mount -t tmpfs -o noexec,nosuid,nodev,mode=1777 tmpfs /tmp
echo "tmp-mount: $(findmnt -no OPTIONS /tmp | tail -n 1)"
printf '#!/bin/sh\necho executed\n' > /tmp/noexec-probe.sh && chmod 0755 /tmp/noexec-probe.sh
if /tmp/noexec-probe.sh > /dev/null 2>&1; then echo "noexec-probe: executed (folder is NOT noexec)"; else echo "noexec-probe: refused (folder is noexec)"; fi
rm -f /tmp/noexec-probe.sh

snap() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path "$W" \) -prune \
    -o \( -type f -o -type l \) -printf '%p\t%y\t%s\t%T@\t%m\t%U:%G\n' | LC_ALL=C sort > "$1"
  # content hashes where configuration lives, to tell a rewrite with equal bytes from a change
  find /etc /usr/local /opt /var/lib/bake -xdev -type f -print0 2>/dev/null | xargs -0 -r sha256sum > "$1.sha"
}
# Prints "<sha256|->  <path>  <new|removed|symlink|content-changed|touched|changed>" for every
# path whose listing line differs between $1 (before) and $2 (after). One awk pass: a loop
# of greps over a 40k-line listing costs minutes under TCG.
classify() {
  LC_ALL=C comm -3 "$1" "$2" | sed 's/^\t//' | cut -f1 | LC_ALL=C sort -u > "$2.paths"
  awk -F'\t' '$2 == "f" { print $1 }' "$2" | LC_ALL=C sort | LC_ALL=C comm -12 - "$2.paths" | tr '\n' '\0' \
    | xargs -0 -r sha256sum > "$2.now.sha"
  awk -F'\t' '
    FILENAME == ARGV[1] { before[$1] = 1; next }
    FILENAME == ARGV[2] { after[$1] = $2; next }
    FILENAME == ARGV[3] { old[substr($0, 67)] = substr($0, 1, 64); next }
    FILENAME == ARGV[4] { now[substr($0, 67)] = substr($0, 1, 64); next }
    {
      p = $0
      if (!(p in after)) print "-  " p "  removed"
      else if (after[p] == "l") print "-  " p "  symlink"
      else if (!(p in before)) print now[p] "  " p "  new"
      else if (p in old) print now[p] "  " p "  " (old[p] == now[p] ? "touched" : "content-changed")
      else print now[p] "  " p "  changed"
    }' "$1" "$2" "$1.sha" "$2.now.sha" "$2.paths"
}

# Times the script alone, from bash's start to its exit, without the login, su and sudo
# around it (this harness's su stands in for Packer's SSH login).
cat > "$W/timed.sh" <<'TIMED'
t0=$(date +%s%N)
bash "$@"
rc=$?
echo "bake-vm: the script alone took $((($(date +%s%N) - t0) / 1000000)) ms"
exit "$rc"
TIMED

# Holds /var/lib/dpkg/lock-frontend as apt and dpkg take it (an fcntl lock, which flock(1)
# does not conflict with) from now until $1 s after $2 shows bake's install-containerd step.
hold_dpkg_lock() {
  python3 - "$1" "$2" > "$W/dpkg-lock.log" 2>&1 <<'PY' &
import fcntl, sys, time
hold, log = int(sys.argv[1]), sys.argv[2]
with open("/var/lib/dpkg/lock-frontend", "a") as lock:
    fcntl.lockf(lock, fcntl.LOCK_EX)
    print("dpkg-lock: taken", flush=True)
    for _ in range(1200):
        try:
            if "] install-containerd:" in open(log).read():
                break
        except FileNotFoundError:
            pass
        time.sleep(0.5)
    else:
        sys.exit("dpkg-lock: install-containerd never began; released")
    time.sleep(hold)
    print(f"dpkg-lock: released {hold} s after install-containerd began", flush=True)
PY
}

n=0
for script in ${PACKER_RUNS:-}; do
  n=$((n + 1))
  snap "$W/before-$n"
  if [ "$n" = 1 ] && [ -n "$PACKER_HOLD_DPKG_LOCK" ]; then hold_dpkg_lock "$PACKER_HOLD_DPKG_LOCK" "$W/run-1.log"; fi
  # upload: Packer names the remote file script_<random>.sh and keeps the local mode
  remote=/tmp/script_$((RANDOM % 9000 + 1000)).sh
  install -m 0755 -o packer -g packer "$H/$script" "$remote"
  start=$(date +%s.%N)
  # output to a log, and bake's step lines to the console (the host shows them as progress)
  su -s /bin/sh packer -c "echo packer | sudo -S sh -c 'PACKER_BUILDER_TYPE=qemu PACKER_BUILD_NAME=bake-vm bash $W/timed.sh $remote'" 2>&1 \
    | tee "$W/run-$n.log" | grep --line-buffered -E '^bake: (\[|FAILED|all steps)' | sed -u "s/^/packer run $n: /" > /dev/console
  rc=${PIPESTATUS[0]}
  end=$(date +%s.%N)
  rm -f "$remote"
  snap "$W/after-$n"
  sec "packer-run $n"
  echo "script: $script"
  echo "sha256: $(sha256sum < "$H/$script" | cut -d' ' -f1)"
  echo "remote: $remote"
  echo "exit: $rc"
  echo "seconds: $(echo "$end - $start" | awk '{ split($0, a, " - "); printf "%.1f", a[1] - a[2] }')"
  echo "script-seconds: $(sed -n 's/^bake-vm: the script alone took \([0-9]*\) ms$/\1/p' "$W/run-$n.log" | awk '{ printf "%.1f", $1 / 1000 }')"
  echo "status-file: $(cat /var/lib/bake/status 2>&1)"
  if [ "$n" = 1 ] && [ -n "$PACKER_HOLD_DPKG_LOCK" ]; then wait; cat "$W/dpkg-lock.log"; fi
  sec "packer-output $n"
  cat "$W/run-$n.log"
  sec "packer-changed $n"
  classify "$W/before-$n" "$W/after-$n"
done

if [ -n "$PACKER_PULL_IMAGES" ]; then
  sec packer-pull
  for image in $PACKER_PULL_IMAGES; do
    crictl --timeout 180s pull "$image" > /dev/null 2>&1; echo "pull-exit $image: $?"
  done
  crictl images 2>&1
fi
