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
