# When a module $2... is neither loaded nor installed, install package $1 for the
# running kernel: a newer kernel's modules would not load before a reboot.
bake_modules_package() {
  local m r
  for m in "${@:2}"; do
    [ -d "/sys/module/$m" ] || bake_quiet modinfo "$m" || {
      r=$(uname -r)
      r=${r%."$(uname -m)"}
      bake_pkg_install "$1-$r" || { echo "bake: module $m is in $1, and no $1-$r for the running kernel installed; update the kernel (dnf -y update kernel), reboot, and run bake again" >&2; return 1; }
      return 0
    }
  done
  echo "bake: modules ${*:2} are there; no $1 needed"
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

