#!/bin/bash
# bake 0.1.0: anolis8/amd64 as a containerd node for kubeadm, fail-fast, safe to re-run. Re-render, do not edit.
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -Eeuo pipefail
umask 022
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ "$EUID" != 0 ]; then echo "bake: run this as root (sudo)" >&2; exit 1; fi
BAKE_STATE=/var/lib/bake
BAKE_LOG=/var/log/bake-provision.log
BAKE_STEP=setup
# One run at a time: cloud-init's, its resumed one, Packer's or one by hand.
exec 8>>/run/bake.lock
flock -n 8 || { echo "bake: waiting for another run" >&2; flock 8; }
rm -rf "$BAKE_STATE/checks"
mkdir -p "$BAKE_STATE/checks"
exec > >(tee -a "$BAKE_LOG") 2>&1

bake_fail() {
  local rc=$?
  trap - ERR
  # Only the main shell reports; a failing $(...) reports through its caller.
  [ "$BASH_SUBSHELL" = 0 ] || exit "$rc"
  echo "bake: FAILED in step '$BAKE_STEP' (exit $rc); later steps did not run. Log: $BAKE_LOG" >&2
  echo "failed $BAKE_STEP" > "$BAKE_STATE/status"
  exit "$rc"
}
trap bake_fail ERR

# Times come from bash 5's EPOCHREALTIME, which costs no process (a date call costs
# a tenth of a second under emulation); EL8's bash 4.4 lacks it and calls date.
bake_step() { bake_step_took; BAKE_STEP=$2; echo "bake: [$1] $2: $3"; }
# How long the step that just ended took, on the console and in the log; the next starts now.
bake_step_took() { local t=${EPOCHREALTIME:-$(date +%s.%6N)}; [ -z "${BAKE_STEP_T0:-}" ] || echo "bake: $BAKE_STEP took $(((${t/./} - ${BAKE_STEP_T0/./}) / 1000)) ms"; BAKE_STEP_T0=$t; }
bake_quiet() { "$@" >/dev/null 2>&1; }

# Network operations get three more tries. A download or repository not found, or
# what the package functions' bake_pkg_no_retry matches (a package no repository has,
# a repository apt cannot trust), gets none: each try would fail alike. A lock another package
# manager holds (apt-daily, unattended-upgrades on a first boot) is waited for, up to
# 600 s as DPkg::Lock::Timeout waits for dpkg's: apt-get update's lists lock and dpkg
# --set-selections have no such option. The output is kept per process: a download and
# a package install may retry at once.
bake_retry() {
  local n=1 miss out=$BAKE_STATE/retry.$BASHPID end=$((SECONDS + 600))
  until "$@" 2>&1 | tee "$out"; do
    if grep -qE 'Could not get lock|locked by' "$out" && [ $SECONDS -lt $end ]; then sleep 5; continue; fi
    if miss=$(grep -m 1 -E "$bake_pkg_no_retry|[: ]404" "$out"); then echo "bake: not retrying: ${miss#E: } (repos: ${BAKE_PKG_REPO:-all enabled})" >&2
    elif [ $n = 4 ]; then echo "bake: gave up after 4 tries: $*" >&2
    else echo "bake: retry $n/3 in $((n * 5))s: $*" >&2; sleep $((n * 5)); n=$((n + 1)); continue
    fi
    rm -f "$out"; return 1
  done
  rm -f "$out"
}

# Download $1 to $2 only if its sha256 is $3 (- for any; bake_fetch: see the package functions).
bake_download() {
  local tmp sum
  tmp=$(mktemp "$2.bake-XXXXXX")
  bake_retry bake_fetch "$1" "$tmp" || { rm -f "$tmp"; return 1; }
  sum=$(sha256sum < "$tmp")
  [ "$3" = - ] || [ "$sum" = "$3  -" ] || { echo "bake: sha256 of $1 is ${sum%% *}, expected $3; not using it" >&2; rm -f "$tmp"; return 1; }
  mv -f "$tmp" "$2"
}

# bake_background CMD... runs CMD beside the steps that follow, its output kept
# apart; bake_joined STEP waits for the one that background step started and,
# if it failed, shows that output and fails as STEP.
bake_background() { "$@" > "$BAKE_STATE/$BAKE_STEP.log" 2>&1 & echo $! > "$BAKE_STATE/$BAKE_STEP.pid"; }
bake_joined() { wait "$(<"$BAKE_STATE/$1.pid")" || { BAKE_STEP=$1; cat "$BAKE_STATE/$1.log" >&2; return 1; }; rm "$BAKE_STATE/$1".*; }

# Stops unless this is the system the script is for: $1 is os-release's ID or a
# word of its ID_LIKE, $2 its VERSION_ID, that version's major, or its codename
# (Debian testing has no VERSION_ID), and $3 what uname -m says. One glob over
# " IDs  versions machine", in that order; the two spaces leave a matched last
# ID its own. When not, it names both; BAKE_ANY_SYSTEM=1 then goes on.
bake_system_is() ( . /etc/os-release; set +u; m=$(uname -m); [[ " $ID $ID_LIKE  $VERSION_ID. $VERSION_CODENAME. $m" = *" $1 "*" $2."*" $3" ]] || { echo "bake: for $*, not $PRETTY_NAME $m; BAKE_ANY_SYSTEM=1 goes on" >&2; [[ $BAKE_ANY_SYSTEM = 1 ]]; } )
# Binaries from release tarballs, e.g. crictl. bake_fetch_in_background URL
# SHA256 BINARY downloads the tarball and unpacks BINARY's namesake beside it,
# as BINARY.new, overlapping the package install; bake_install_tarball_binary
# STEP BINARY waits for background STEP and moves BINARY.new in place. A record
# of the tarball's sha256 and the binary's stamp skips both while BINARY is the
# one that tarball installed.
bake_fetch_in_background() {
  local record=$BAKE_STATE/${3##*/}.installed
  if [ -f "$3" ] && [ -f "$record" ] && [ "$(<"$record")" = "$2 $(stat -c '%s %Y %i' "$3")" ]; then echo "bake: $3 is from this tarball; not downloading"; rm -f "$BAKE_STATE/$BAKE_STEP.pid"; else bake_background bake_fetch_binary "$@"; fi
}
bake_fetch_binary() {
  local tar=$BAKE_STATE/$2.tar.gz
  bake_download "$1" "$tar" "$2"
  tar -xzOf "$tar" "${3##*/}" > "$3.new"
  chmod 0755 "$3.new"; rm "$tar"
  # It holds from the move on: a rename keeps size, mtime and inode.
  echo "$2 $(stat -c '%s %Y %i' "$3.new")" > "$BAKE_STATE/${3##*/}.installed"
}
bake_install_tarball_binary() { [ -f "$BAKE_STATE/$1.pid" ] || { echo "bake: $2 is installed from this tarball"; return 0; }; bake_joined "$1"; mv -f "$2.new" "$2"; }

# A link /usr/bin/<name> -> $1, so that sudo (whose secure_path may lack $1's
# directory) finds it; a /usr/bin file that is not bake's link is an error. -ef
# (the same file once links are followed) is what sudo would run, and no process.
bake_link_into_usr_bin() {
  local link=/usr/bin/${1##*/}
  [ ! "$link" -ef "$1" ] || return 0
  if [ -e "$link" ] || [ -L "$link" ]; then echo "bake: $link is not bake's link to $1, and sudo would run it; remove it" >&2; return 1; fi
  ln -s "$1" "$link"
}

# dnf's failures that bake_retry does not retry: no such package.
bake_pkg_no_retry='No match for arg|Unable to find a match'
# None of the packages $@ is installed: one rpm call for all of them, as each
# costs a tenth of a second or more under emulation. rpm -q exits with the count
# of names not installed; when that is not all of them, its lines name the installed.
bake_pkg_absent() { local s r=0; s=$(rpm -q "$@") || r=$?; [ $r = $# ] || { echo "$s"; return 1; }; }
bake_fetch() { curl -fsSL --connect-timeout 20 -o "$2" "$1"; }
bake_pkg_version() { rpm -q --qf '%{VERSION}' "$1"; }
# All of $@ but the options installed: each a name or a name-version glob
# (containerd.io-2.*) as dnf takes it; its glob matches unquoted.
bake_pkg_in_place() { local a; for a; do [[ $a == -* || $(rpm -q --qf '%{NAME}-%{VERSION}-%{RELEASE}' "${a%%-[0-9]*}") == $a* ]] || return 1; done; }
# --allowerasing: containerd.io obsoletes runc from the OS repos.
bake_pkg_install_now() { bake_retry dnf -y -q install --allowerasing "$@"; }
bake_pkg_remove_now() { dnf -y -q remove "$@"; }
# Each primary key in key file $1: its fingerprint, then gpg's validity (- valid, e expired, r revoked).
bake_key_fpr() { local h; h=$(mktemp -d); gpg --homedir "$h" --with-colons --show-keys "$1" 2>/dev/null | awk -F: '/^pub/{v=$2;getline;print $10 v}'; rm -r "$h"; }
# $1 the key's name in /etc/pki/rpm-gpg (its repo's gpgkey= names it), $2 its URL, $3 its
# sha256 or -, $4 the fingerprint of the only key rpm may get. A valid key in place is kept;
# a missing or expired one is fetched and replaces rpm's copy: rpm --import before rpm 6
# skips a key it has, even a copy that extends its expiry.
bake_rpm_key() {
  local f=/etc/pki/rpm-gpg/$1.asc k=gpg-pubkey-${4:32}
  [ "$(bake_key_fpr "$f")" != "$4-" ] || return 0
  bake_download "$2" "$f.new" "$3"
  [ "$(bake_key_fpr "$f.new")" = "$4-" ] || { echo "bake: $2 has $(bake_key_fpr "$f.new"), not $4- (e: expired)" >&2; return 1; }
  rpm -q "${k,,}" >/dev/null && rpm -e --allmatches "${k,,}"
  rpm --import "$f.new"
  mv "$f.new" "$f"
  echo "bake: imported $f"
}
# Install only when a package is missing or at another version: with all in
# place, a re-run refreshes no package index and downloads nothing.
bake_pkg_install() { if bake_pkg_in_place "$@"; then echo "bake: already installed: $*"; else bake_pkg_install_now "$@"; fi; }
# $@: command=package pairs (tar for tar=tar); installs the packages of the missing commands in one call.
bake_install_missing_tools() {
  local pair missing=()
  for pair; do command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}"); done
  if [ "${#missing[@]}" = 0 ]; then echo "bake: all present"; else bake_pkg_install "${missing[@]}"; fi
}
bake_pkg_remove() {
  local p present=()
  for p; do bake_pkg_absent "$p" || present+=("$p"); done
  if [ "${#present[@]}" = 0 ]; then echo "bake: none of them is installed"; else bake_pkg_remove_now "${present[@]}"; fi
}

# A Go program's start takes a second under emulation, and what `containerd
# config dump` prints changes only with the binary and config.toml: kept with
# their stamps (size, mtime, inode: one stat), a re-run does not start it again.
# A memo is replaced whole (mv), so one that matches is read without the lock,
# which makes a second maker wait instead of starting containerd too. Read by
# bash, not tail: one process fewer.
bake_containerd_config_dump() {
  local memo=$BAKE_STATE/containerd-config-dump.memo key out have=
  key=$(stat --printf '%s %Y %i;' "$(command -v containerd)" /etc/containerd/config.toml) || return 1
  read -r have 2>/dev/null < "$memo" || :
  [ "$have" = "$key" ] || (flock 9; read -r have 2>/dev/null < "$memo" || :; [ "$have" = "$key" ] || { { echo "$key"; containerd config dump; } > "$memo.new" && mv -f "$memo.new" "$memo"; }) 9>> "$memo.lock" || return 1
  mapfile -ts1 out < "$memo"
  printf '%s\n' "${out[@]}"
}

# $1 containerd's major, $2 config.toml's schema, $3 containerd's package. Its
# version is what systemd runs (the unit starts the package's binary), read from
# the package database: containerd --version took a second of a first boot under
# emulation, and a cloud-init first boot runs it while containerd starts up.
bake_containerd_major_is() {
  local v
  # config dump's memo fills beside this and the next steps, for verify, which
  # waits for it; if it fails, verify shows it.
  bake_containerd_config_dump > /dev/null &
  v=$(bake_pkg_version "$3") || { echo "bake: $3 is not installed" >&2; return 1; }
  echo "bake: $3 $v is installed"
  # $1: the version's start, a regex; CNI $4 is bin_dir up to 2.0, bin_dirs from 2.1.
  [[ $v =~ ^$1 ]] || { echo "bake: config.toml schema version $2 (CNI $4) needs containerd $1.x, not $v; check containerd.version" >&2; return 1; }
}

bake_file_is() { [ "$(sha256sum < "$1")" = "$2  -" ] || { echo "bake: $1 is not the file bake wrote (did a package replace it?); render it again" >&2; return 1; }; }

bake_selinux_on() { command -v selinuxenabled >/dev/null && selinuxenabled; }
bake_selinux_restore() { if bake_selinux_on; then restorecon -R "$1"; else echo "bake: SELinux is off; $1 needs no label"; fi; }

# Start containerd with the files $@; (re)load, enable and restart only when
# they changed since bake last did, or containerd is not enabled and active:
# running bake again leaves a working node alone. Its unit is Type=notify, so
# active means it answers; only a restart needs the wait. ("": any oom_score_adj.)
bake_start_containerd() {
  local want state=$BAKE_STATE/containerd-config.sha256
  want=$(sha256sum "$@")
  if [ -f "$state" ] && [ "$(<"$state")" = "$want" ] && bake_containerd_up ""; then echo "bake: containerd runs this config; not restarting it"; return 0; fi
  systemctl daemon-reload; systemctl enable containerd; systemctl restart containerd
  echo "$want" > "$state"
  bake_wait_for_containerd
}

# containerd is enabled and active and, given $1, its main process's oom_score_adj
# is $1 (the main process's only: a shim in the unit's cgroup has -998). One
# systemctl call for both, as each costs a third of a second under emulation; the
# PID is its only digits, and bash reads the /proc file. When not, it prints what
# systemd and /proc said.
bake_containerd_up() { local p a=; p=$(systemctl show -p UnitFileState -p ActiveState -p MainPID containerd); read -r a 2>/dev/null < "/proc/${p//[!0-9]}/oom_score_adj"; [[ $p == *UnitFileState=enabled* && $p == *ActiveState=active* && $a == "${1:-$a}" ]] || { echo "bake: containerd: ${p//$'\n'/ } oom_score_adj=$a"; return 1; }; }

# Poll every 0.2 s: under emulation a 1 s poll alone added up to a second.
bake_wait_for_containerd() {
  local n; for n in {1..150}; do bake_quiet ctr version && return; sleep 0.2; done
  echo "bake: containerd did not answer on its socket within 30 s" >&2
  systemctl status containerd --no-pager >&2 || true
  return 1
}

# modprobe only when a module is not loaded (or built in): a re-run then starts no process.
bake_load_modules() { local m; for m; do [ -d "/sys/module/$m" ] || { modprobe -a "$@"; return; }; done; }

# Only a cgroup2 mount has cgroup.controllers: at /sys/fs/cgroup, v2; v1 and
# hybrid mount a tmpfs there (hybrid's cgroup2 is under it). A test, not stat -f.
bake_cgroup_is_v2() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }
# On cgroup v1, set the kernel argument for v2 and create $1: a reboot is pending.
bake_cgroup_v2() {
  if bake_cgroup_is_v2; then rm -f "$1"; echo "bake: cgroup v2 is mounted"; return 0; fi
  command -v grubby >/dev/null || { echo "bake: cgroup v1 and no grubby: boot with systemd.unified_cgroup_hierarchy=1, or set kernel.cgroup: any" >&2; return 1; }
  grubby --update-kernel=ALL --args=systemd.unified_cgroup_hierarchy=1
  echo "cgroup v2" > "$1"
  echo "bake: cgroup v1 now; every kernel boots v2 after a reboot"
}

# ---- checks used by the verify step
bake_cgroup_v2_or_pending() { bake_cgroup_is_v2 || { [ -f "$1" ] && echo "bake: reboot pending for cgroup v2"; }; }
bake_module_loaded() { [ -d "/sys/module/$1" ]; }
# $1 key=value, the key as its file under /proc/sys (read as sysctl would, without
# its process), the value's blanks squeezed to one space, as here the kernel's.
bake_sysctl_is() { local w; read -ra w < "/proc/sys/${1%%=*}" && [ "${w[*]}" = "${1#*=}" ]; }
# crictl info answers only through containerd's CRI plugin; when it does not, ctr tells the plugin's state.
bake_cri_answers() { bake_quiet crictl info || { ctr plugins ls | grep -w cri; return 1; }; }
# $1 key=value: containerd runs with that value, or a list holding it, whatever
# the key's table, however indented. A pattern, not grep or sed: one process fewer per item.
bake_config_dump_has() {
  [ -n "${bake_dump:-}" ] || bake_dump=$'\n'$(bake_containerd_config_dump)$'\n'
  [[ $bake_dump =~ $'\n'[[:space:]]*"${1%%=*} = "(\[[^$'\n']*)?[\"\']"${1#*=}"[\"\'][],$'\n'] ]]
}
# sudo's secure_path finds command $1 (crictl info proves it runs): sudo -l
# names the file it would run, with no session and no shell.
bake_sudo_finds() { if command -v sudo >/dev/null; then bake_quiet sudo -n -l "$1"; else echo "bake: no sudo on this node"; fi; }
# Checks run side by side, four at a time: most start a process or two, a
# second each under emulation. Each prints to its own file, shown in order.
bake_check() { bake_check_bg bake_check_now "$@"; }
# $1 what each check proves ({}: the item, its first = spaced out), $2 the
# test, then the items, checked in turn (they share caches).
bake_check_each() { bake_check_bg bake_check_each_now "$@"; }
# $1 what the check proves, then the command that proves it.
bake_check_now() { if "${@:2}"; then echo "bake: ok   - $1"; else echo "bake: FAIL - $1"; fi; }
bake_check_each_now() { local i; for i in "${@:3}"; do bake_check_now "${1//"{}"/"${i/=/ = }"}" "$2" "$i"; done; }
bake_check_pids=()
bake_check_bg() {
  # From the fifth on, each waits for one to end: counting jobs would start two processes a check.
  [ "${#bake_check_pids[@]}" -lt 4 ] || wait -n || true
  "$@" > "$BAKE_STATE/checks/$((${#bake_check_pids[@]} + 100))" 2>&1 &
  bake_check_pids+=($!)
}
bake_checks_passed() {
  local f l failed=0
  # Never empty (the plan makes sure): a bare wait would wait for tee too.
  wait "${bake_check_pids[@]}" || true
  # Shown and counted by bash: cat and grep would be three processes.
  for f in "$BAKE_STATE"/checks/*; do while read -r l; do printf '%s\n' "$l"; [[ $l != "bake: FAIL"* ]] || ((++failed)); done < "$f"; done
  rm -r "$BAKE_STATE/checks"
  [ "$failed" = 0 ] || { echo "bake: $failed check(s) failed" >&2; return 1; }
}

# Write $1 with mode $2 from stdin; an unchanged file is left alone.
bake_put() {
  local tmp
  mkdir -p "$(dirname "$1")"
  tmp=$(mktemp "$1.bake-XXXXXX")
  cat > "$tmp"
  chmod "$2" "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; chmod "$2" "$1"; else mv -f "$tmp" "$1"; echo "bake: wrote $1"; fi
}

# A re-run finds every file as bake wrote it: one sha256sum and one stat then
# spare the seven processes a file that bake_put costs, seconds under emulation.
bake_files_as_written() {
  [ "$(stat -c '%a %n' -- /etc/modules-load.d/containerd.conf /etc/yum.repos.d/docker-ce.repo /etc/sysctl.d/99-kubernetes-cri.conf /etc/containerd/config.toml /etc/systemd/system/containerd.service.d/10-bake.conf /etc/crictl.yaml 2>/dev/null)" = '644 /etc/modules-load.d/containerd.conf
644 /etc/yum.repos.d/docker-ce.repo
644 /etc/sysctl.d/99-kubernetes-cri.conf
644 /etc/containerd/config.toml
644 /etc/systemd/system/containerd.service.d/10-bake.conf
644 /etc/crictl.yaml' ] || return 1
  sha256sum --status -c 2>/dev/null <<'BAKE_EOF'
fe99a4d4115cab63a727aea95a70ebe7eddcf5f13145534f944e185736326358  /etc/modules-load.d/containerd.conf
c3d83c44ecab34747f89908f5e7334ce4cd26ffa3632590b6ed245d8eab80052  /etc/yum.repos.d/docker-ce.repo
52daa6980b1abab0120aabfc65961e05a5776570a4f327b422497cf421ffbefd  /etc/sysctl.d/99-kubernetes-cri.conf
fc9a8960c484a3db85be3290c47fce5cc5ec868edab4b3e37a8c47ae9bb5f6fd  /etc/containerd/config.toml
285b1b667daed0a2a579071e2f7b68eeafb944c8fada529af49177b09388a124  /etc/systemd/system/containerd.service.d/10-bake.conf
06460d89451e82fc316d5058d6e20eac6ef5a7eb6d5b29742cb344bebed37521  /etc/crictl.yaml
BAKE_EOF
}

bake_write_files() {
  if bake_files_as_written; then echo "bake: all 6 files are as bake wrote them"; return 0; fi
bake_put /etc/modules-load.d/containerd.conf 0644 <<'BAKE_EOF'
# Written by bake: kernel modules containerd and kubelet need, loaded at boot.
overlay
br_netfilter
BAKE_EOF
bake_put /etc/yum.repos.d/docker-ce.repo 0644 <<'BAKE_EOF'
# Written by bake: docker's containerd.io packages, signature-checked.
[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=https://download.docker.com/linux/rhel/8/$basearch/stable
enabled=1
gpgcheck=1
repo_gpgcheck=0
gpgkey=file:///etc/pki/rpm-gpg/docker-ce.asc
exclude=containerd.io
BAKE_EOF
bake_put /etc/sysctl.d/99-kubernetes-cri.conf 0644 <<'BAKE_EOF'
# Written by bake: kernel parameters for Kubernetes networking.
net.ipv4.ip_forward = 1
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
BAKE_EOF
bake_put /etc/containerd/config.toml 0644 <<'BAKE_EOF'
# Written by bake for containerd 2.x (config schema version 3).
# Top-level keys must stay above the first [table].
version = 3
root = "/var/lib/containerd"
state = "/run/containerd"
oom_score = 0
disabled_plugins = []

[plugins."io.containerd.cri.v1.images"]

  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "registry.k8s.io/pause:3.10.1"

  # Mirrors live in hosts.toml files under config_path.
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "/etc/containerd/certs.d"

[plugins."io.containerd.cri.v1.runtime".containerd]
  default_runtime_name = "runc"

  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"

    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
      SystemdCgroup = true

[plugins."io.containerd.cri.v1.runtime".cni]
  bin_dirs = ["/opt/cni/bin", "/usr/lib/cni"]
BAKE_EOF
bake_put /etc/systemd/system/containerd.service.d/10-bake.conf 0644 <<'BAKE_EOF'
# Written by bake: containerd.service settings for a Kubernetes node.
[Service]
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
LimitNOFILE=1048576
TasksMax=infinity
OOMScoreAdjust=-999
BAKE_EOF
bake_put /etc/crictl.yaml 0644 <<'BAKE_EOF'
# Written by bake.
runtime-endpoint: "unix:///run/containerd/containerd.sock"
image-endpoint: "unix:///run/containerd/containerd.sock"
timeout: 10
debug: false
BAKE_EOF
}

echo running > "$BAKE_STATE/status"
bake_step 1/15 system anolis8/amd64
bake_system_is anolis 8 x86_64
bake_step 2/15 write-files 'write 6 config files'
bake_write_files
bake_step 3/15 host-tools 'install what is missing of: kmod curl tar gnupg2 procps-ng'
bake_install_missing_tools modprobe=kmod curl tar gpg=gnupg2 sysctl=procps-ng
bake_step 4/15 kernel-modules 'load them in the background'
bake_background bake_load_modules overlay br_netfilter
bake_step 5/15 fetch-crictl 'download v1.35.0 in the background'
bake_fetch_in_background https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.35.0/crictl-v1.35.0-linux-amd64.tar.gz 2e141e5b22cb189c40365a11807d69b76b9b3caced89fac2f4ec879408ce2177 /usr/local/bin/crictl
bake_step 6/15 cgroup-v2 'make the node boot cgroup v2'
bake_cgroup_v2 /var/lib/bake/reboot-required
bake_step 7/15 remove-packages 'remove podman, buildah'
bake_pkg_remove podman buildah
bake_step 8/15 docker-repo-key 'docker repo key, fetched if missing or expired'
bake_rpm_key docker-ce https://download.docker.com/linux/rhel/gpg - 060A61C51B558A7F742B77AAC52FEB6B621E9F35
bake_step 9/15 install-containerd 'install containerd.io-2.*'
BAKE_PKG_REPO='docker-ce-stable, /etc/yum.repos.d/docker-ce.repo, and the OS'\''s'
bake_pkg_install --disableexcludes=docker-ce-stable 'containerd.io-2.*'
bake_step 10/15 sysctl 'apply the settings'
bake_joined kernel-modules
sysctl -q -p /etc/sysctl.d/99-kubernetes-cri.conf
bake_step 11/15 check-containerd 'containerd is 2.[1-9].x and config.toml is bake'\''s'
bake_containerd_major_is '2.[1-9]' 3 containerd.io bin_dirs
bake_file_is /etc/containerd/config.toml fc9a8960c484a3db85be3290c47fce5cc5ec868edab4b3e37a8c47ae9bb5f6fd
bake_step 12/15 selinux-labels 'restore the labels of /etc/containerd'
bake_selinux_restore /etc/containerd
bake_step 13/15 start-containerd 'enable it; restart it if its config changed'
bake_start_containerd /etc/containerd/config.toml /etc/systemd/system/containerd.service.d/10-bake.conf
bake_step 14/15 install-crictl 'install v1.35.0 from the release tarball'
bake_install_tarball_binary fetch-crictl /usr/local/bin/crictl
bake_link_into_usr_bin /usr/local/bin/crictl
bake_step 15/15 verify 'check the node (16 checks)'
bake_check_each 'containerd runs with {}' bake_config_dump_has root=/var/lib/containerd state=/run/containerd sandbox=registry.k8s.io/pause:3.10.1 config_path=/etc/containerd/certs.d bin_dirs=/opt/cni/bin
bake_check 'the CRI plugin answers crictl info' bake_cri_answers
bake_check 'sudo finds crictl' bake_sudo_finds crictl
bake_check 'cgroup v2 is mounted, or set for the next boot' bake_cgroup_v2_or_pending /var/lib/bake/reboot-required
bake_check_each 'kernel module {} is loaded' bake_module_loaded overlay br_netfilter
bake_check 'packages podman, buildah are not installed' bake_pkg_absent podman buildah
bake_check 'containerd.io is held' grep -qxF exclude=containerd.io /etc/yum.repos.d/docker-ce.repo
bake_check_each 'sysctl {}' bake_sysctl_is net/ipv4/ip_forward=1 net/bridge/bridge-nf-call-iptables=1 net/bridge/bridge-nf-call-ip6tables=1
bake_check 'containerd is enabled, active, oom_score_adj -999' bake_containerd_up -999
bake_checks_passed
bake_step_took
BAKE_STEP=finished
if [ -f /var/lib/bake/reboot-required ]; then
  echo reboot-pending > "$BAKE_STATE/status"
  echo "bake: all steps passed in ${SECONDS}s; reboot for cgroup v2, then run this script again to verify. In Packer: give this provisioner valid_exit_codes = [0, 75], then add a shell provisioner with inline = [\"reboot\"] and expect_disconnect = true, and run this script again after it." >&2
  exit 75
fi
echo ok > "$BAKE_STATE/status"
echo "bake: all steps passed in ${SECONDS}s"
