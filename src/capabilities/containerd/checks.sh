# $1 key=value: containerd runs with that value, or a list holding it, whatever
# the key's table, however indented. A pattern, not grep or sed: one process fewer per item.
bake_config_dump_has() {
  [ -n "${bake_dump:-}" ] || bake_dump=$'\n'$(bake_containerd_config_dump)$'\n'
  [[ $bake_dump =~ $'\n'[[:space:]]*"${1%%=*} = "(\[[^$'\n']*)?[\"\']"${1#*=}"[\"\'][],$'\n'] ]]
}
