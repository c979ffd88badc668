# sudo's secure_path finds command $1 (crictl info proves it runs): sudo -l
# names the file it would run, with no session and no shell.
bake_sudo_finds() { if command -v sudo >/dev/null; then bake_quiet sudo -n -l "$1"; else echo "bake: no sudo on this node"; fi; }
