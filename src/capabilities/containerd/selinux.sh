bake_selinux_on() { command -v selinuxenabled >/dev/null && selinuxenabled; }
bake_selinux_restore() { if bake_selinux_on; then restorecon -R "$1"; else echo "bake: SELinux is off; $1 needs no label"; fi; }
# Make directory $2 (mode 0711, as containerd makes its own), labelled as $1 is,
# now and by every later restorecon.
bake_selinux_equivalent() {
  install -d -m 0711 "$2"
  bake_selinux_on || { echo "bake: SELinux is off; $2 needs no label"; return 0; }
  command -v semanage >/dev/null || bake_pkg_install policycoreutils-python-utils
  semanage fcontext -a -e "$1" "$2" 2>/dev/null || semanage fcontext -m -e "$1" "$2"
  restorecon -R "$2"
}

