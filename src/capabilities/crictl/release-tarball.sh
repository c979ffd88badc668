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

