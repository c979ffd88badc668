# A Go program's start takes a second under emulation, and what `containerd
# config dump` prints changes only with the binary and config.toml: kept with
# their stamps (size, mtime, inode: one stat), a re-run does not start it again.
# A memo is replaced whole (mv), so one that matches is read without the lock,
# which makes a second maker wait instead of starting containerd too. Read by
# bash, not tail: one process fewer.
bake_containerd_config_dump() {
  local memo=$BAKE_STATE/containerd-config-dump.memo key out have=
  key=$(stat --printf '%s %Y %i;' "$(command -v containerd)" /etc/containerd/config.toml) || return 1
  read -r have 2>/dev/null < "$memo" || :
  [ "$have" = "$key" ] || (flock 9; read -r have 2>/dev/null < "$memo" || :; [ "$have" = "$key" ] || { { echo "$key"; containerd config dump; } > "$memo.new" && mv -f "$memo.new" "$memo"; }) 9>> "$memo.lock" || return 1
  mapfile -ts1 out < "$memo"
  printf '%s\n' "${out[@]}"
}

# $1 containerd's major, $2 config.toml's schema, $3 containerd's package. Its
# version is what systemd runs (the unit starts the package's binary), read from
# the package database: containerd --version took a second of a first boot under
# emulation, and a cloud-init first boot runs it while containerd starts up.
bake_containerd_major_is() {
  local v
  # config dump's memo fills beside this and the next steps, for verify, which
  # waits for it; if it fails, verify shows it.
  bake_containerd_config_dump > /dev/null &
  v=$(bake_pkg_version "$3") || { echo "bake: $3 is not installed" >&2; return 1; }
  echo "bake: $3 $v is installed"
  # $1: the version's start, a regex; CNI $4 is bin_dir up to 2.0, bin_dirs from 2.1.
  [[ $v =~ ^$1 ]] || { echo "bake: config.toml schema version $2 (CNI $4) needs containerd $1.x, not $v; check containerd.version" >&2; return 1; }
}

bake_file_is() { [ "$(sha256sum < "$1")" = "$2  -" ] || { echo "bake: $1 is not the file bake wrote (did a package replace it?); render it again" >&2; return 1; }; }

