bake_pkg_remove() {
  local p present=()
  for p; do bake_pkg_absent "$p" || present+=("$p"); done
  if [ "${#present[@]}" = 0 ]; then echo "bake: none of them is installed"; else bake_pkg_remove_now "${present[@]}"; fi
}

