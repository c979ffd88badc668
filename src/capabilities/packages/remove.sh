bake_pkg_remove() {
  local p present=()
  for p; do bake_pkg_absent "$p" || present+=("$p"); done
  [ "${#present[@]}" != 0 ] || { echo "bake: none of them is installed"; return 0; }
  bake_pkg_remove_now "${present[@]}"
}

