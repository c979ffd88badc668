bake_cgroup_v2_or_pending() {
  if bake_cgroup_is_v2; then return 0; fi
  if [ -f "$1" ]; then echo "bake: reboot pending for cgroup v2"; return 0; fi
  return 1
}
bake_module_loaded() { [ -d "/sys/module/$1" ]; }
# $1 key=value, the key as its file under /proc/sys (read as sysctl would, without
# its process), the value's blanks squeezed to one space, as here the kernel's.
bake_sysctl_is() { local w; read -ra w < "/proc/sys/${1%%=*}" && [ "${w[*]}" = "${1#*=}" ]; }
