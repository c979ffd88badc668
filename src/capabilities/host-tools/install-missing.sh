# $@: command=package pairs (tar for tar=tar); installs the packages of the missing commands in one call.
bake_install_missing_tools() {
  local pair missing=()
  for pair; do command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}"); done
  if [ "${#missing[@]}" = 0 ]; then echo "bake: all present"; else bake_pkg_install "${missing[@]}"; fi
}
