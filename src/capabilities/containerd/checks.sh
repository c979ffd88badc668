# $1 key=value: containerd runs with that value, or a list holding it, whatever
# the key's table. A pattern, not grep: one process fewer per item.
bake_config_dump_has() {
  [ -n "${bake_dump:-}" ] || bake_dump=$'\n'$(bake_containerd_memo config-dump config dump | sed 's/^[[:space:]]*//')$'\n'
  [[ $bake_dump =~ $'\n'"${1%%=*} = "(\[[^$'\n']*)?[\"\']"${1#*=}"[\"\'][],$'\n'] ]]
}
