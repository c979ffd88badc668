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
