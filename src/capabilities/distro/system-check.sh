# Stops unless this is the system the script is for: $1 is os-release's ID or a
# word of its ID_LIKE, $2 its VERSION_ID, that version's major, or its codename
# (Debian testing has no VERSION_ID), and $3 what uname -m says. One glob over
# " IDs  versions machine", in that order; the two spaces leave a matched last
# ID its own. When not, it names both; BAKE_ANY_SYSTEM=1 then goes on.
bake_system_is() ( . /etc/os-release; set +u; m=$(uname -m); [[ " $ID $ID_LIKE  $VERSION_ID. $VERSION_CODENAME. $m" = *" $1 "*" $2."*" $3" ]] || { echo "bake: for $*, not $PRETTY_NAME $m; BAKE_ANY_SYSTEM=1 goes on" >&2; [[ $BAKE_ANY_SYSTEM = 1 ]]; } )
