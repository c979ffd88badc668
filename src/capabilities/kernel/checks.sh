bake_cgroup_v2_or_pending() { bake_cgroup_is_v2 || { [ -f "$1" ] && echo "bake: reboot pending for cgroup v2"; }; }
bake_module_loaded() { [ -d "/sys/module/$1" ]; }
# $1 key=value, the key as its file under /proc/sys (read as sysctl would, without
# its process), the value's blanks squeezed to one space, as here the kernel's.
bake_sysctl_is() { local w; read -ra w < "/proc/sys/${1%%=*}" && [ "${w[*]}" = "${1#*=}" ]; }
