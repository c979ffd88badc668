// Stand-ins for commands, shared by the sandbox tests.

// A healthy containerd: enabled and active, its main process PID 1 (see overlay-root.ts).
export const SYSTEMCTL_SHOW = `if [ "$1" = show ]; then case "$*" in *MainPID*) echo 1 ;; *) printf 'UnitFileState=enabled\\nActiveState=active\\n' ;; esac; fi`;
