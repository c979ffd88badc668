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

# Debian's package starts containerd at install, after bake wrote its files; a
# restart then costs seconds and changes nothing. So on a first run, when
# containerd is enabled, active, with no unit change pending in systemd (the
# drop-ins; one systemctl call) and started after each of the files $@ was written,
# record them as started: containerd makes its socket anew at each start, after
# reading its config, so bash compares the times (to the nanosecond, where date
# and stat cost a process each).
bake_start_containerd_once() {
  local f p="" state=$BAKE_STATE/containerd-config.sha256
  [ -f "$state" ] || p=$(systemctl show -p UnitFileState -p ActiveState -p NeedDaemonReload containerd) || :
  for f; do [ /run/containerd/containerd.sock -nt "$f" ] || p=; done
  if [[ $p == *UnitFileState=enabled* && $p == *ActiveState=active* && $p == *NeedDaemonReload=no* ]]; then
    sha256sum "$@" > "$state"
    echo "bake: containerd started after bake wrote its files"
  else
    bake_start_containerd "$@"
  fi
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

