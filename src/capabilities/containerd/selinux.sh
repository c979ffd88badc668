bake_selinux_on() { command -v selinuxenabled >/dev/null && selinuxenabled; }
bake_selinux_restore() {
  bake_selinux_on || { echo "bake: SELinux is off; $1 needs no label"; return 0; }
  restorecon -R "$1"
}
bake_selinux_equivalent() {
  bake_selinux_on || { echo "bake: SELinux is off; $2 needs no label"; return 0; }
  if ! command -v semanage >/dev/null; then bake_pkg_install policycoreutils-python-utils; fi
  semanage fcontext -a -e "$1" "$2" 2>/dev/null || semanage fcontext -m -e "$1" "$2"
  restorecon -R "$2"
}

