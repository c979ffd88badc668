export DEBIAN_FRONTEND=noninteractive
# apt's failures that bake_retry does not retry: no such package or version, a repository not trusted.
bake_pkg_no_retry="Unable to locate package|' was not found|no installation candidate|is not signed|NO_PUBKEY|EXPKEYSIG|No good signature|Missing key|is not bound|not live"
# None of the packages $@ is installed, from one dpkg-query; its lines, shown when
# one is, name it ("installed podman").
bake_pkg_absent() { local s; s=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "$@" 2>/dev/null) || :; [[ $'\n'$s != *$'\n'"installed "* ]] || { echo "$s"; return 1; }; }
# All of $@ but the options in place, held or not, from one dpkg-query (each
# costs a tenth of a second or more under emulation): a name or name=version
# glob (containerd=1.7.*, matched unquoted) as apt-get takes it is installed,
# and name- (remove it) is not.
bake_pkg_in_place() {
  local a s names=()
  for a; do [[ $a == -* ]] || { a=${a%%=*}; names+=("${a%-}"); }; done
  s=" $(dpkg-query -W -f='${db:Status-Status} ${Package}=${Version} ' "${names[@]}" 2>/dev/null || :)"
  for a; do case $a in
    -*) ;;
    *-) [[ $s != *" installed ${a%-}="* ]] || return 1 ;;
    *=*) [[ $s == *" installed "$a* ]] || return 1 ;;
    *) [[ $s == *" installed $a="* ]] || return 1 ;;
  esac; done
}
# Fails for a package not installed, even one dpkg still knows.
bake_pkg_version() { local s; s=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null) && [[ $s == "installed "* ]] && echo "${s#installed }"; }
# curl where present, else apt's own https client.
bake_fetch() { if command -v curl >/dev/null; then curl -fsSL --connect-timeout 20 -o "$2" "$1"; else /usr/lib/apt/apt-helper -q download-file "$1" "$2"; fi; }
# --force-confold keeps the config.toml bake wrote instead of prompting; a node
# needs none of containerd's Recommends (criu and its python modules). On a first
# boot unattended-upgrades may hold dpkg's lock for minutes: apt (1.9.11 on) waits
# up to DPkg::Lock::Timeout for it, where bake's retries would give up after 30 s.
bake_pkg_install_now() {
  local a args=()
  # apt fails to remove a package it does not know: name- only for installed ones.
  for a in "$@"; do [[ $a == *- ]] && bake_pkg_absent "${a%-}" > /dev/null && continue; args+=("$a"); done
  [ -n "${bake_apt_fresh-}" ] || { bake_retry apt-get -q update; bake_apt_fresh=1; }
  bake_retry apt-get -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends -o Dpkg::Options::=--force-confdef,confold install "${args[@]}"
}
bake_pkg_remove_now() { apt-get -y -q -o DPkg::Lock::Timeout=600 remove "$@"; }
# $1 key URL, $2 keyring, $3 the key file's sha256 or -, $4 the source as bake staged
# it, $5 where apt reads it. Its Signed-By names the key's fingerprint: apt takes
# no other signer. It goes into sources.list.d only once apt has read the repository
# through it, so no apt run sees it unsigned; a failure takes out bake's old copy.
# A re-run fetches the key again only if apt cannot read the repository with it (expired).
bake_apt_source() {
  local up=(apt-get -q update --error-on=any -o Dir::Etc::SourceList="$4" -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0)
  if [ -s "$2" ] && cmp -s "$4" "$5" && { [ "$3" = - ] || echo "$3  $2" | bake_quiet sha256sum -c -; }; then
    if bake_quiet "${up[@]}"; then echo "bake: $5 is in place"; return 0; fi
    echo "bake: apt cannot read $5 with $2: fetching the key again"
  fi
  install -d -m 0755 "${2%/*}"
  if bake_download "$1" "$2" "$3" && chmod 0644 "$2" && bake_retry "${up[@]}"; then
    install -m 0644 "$4" "$5"
    echo "bake: wrote $5"
  else
    if grep -qs '^# Written by bake' "$5"; then rm -f "$5"; echo "bake: removed $5: its key did not verify" >&2; fi
    return 1
  fi
}
# A hold is dpkg's selection state: read with dpkg-query, set with dpkg
# --set-selections. apt-mark does the same after loading apt's cache, which
# took 0.9 s of CPU on a 2-core host and more under emulation.
bake_apt_held() { [ "$(dpkg-query -W -f='${db:Status-Want} ${db:Status-Status}' "$1" 2>/dev/null)" = "hold installed" ]; }
# $1 hold or unhold, then the packages. dpkg exits 2 while another process holds its
# frontend lock: bake_retry waits, feeding each try the same lines.
bake_apt_mark() {
  local p flip sel="" change=()
  for p in "${@:2}"; do if bake_apt_held "$p"; then flip=unhold; else flip=hold; fi; [ "$1" != "$flip" ] || { change+=("$p"); sel+="$p ${1/unhold/install}"$'\n'; }; done
  if [ -z "$sel" ]; then echo "bake: no hold to change: ${*:2}"; return 0; fi
  bake_retry bake_selections "$sel"
  echo "bake: $1: ${change[*]}"
}
bake_selections() { printf '%s' "$1" | dpkg --set-selections; }
