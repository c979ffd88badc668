#!/bin/bash
# packer-example.sh: replays an example Packer template's build (examples/packer/*.pkr.hcl)
# as Packer's shell provisioner and its shutdown step do, run by report.sh after its report,
# as the last thing this boot does. The host read every string from the template
# (lib/packer-hcl.ts); the files on the seed:
#   example-N.upload   the file Packer uploads (inline: "#!/bin/sh -e" and the lines; or the script)
#   example-N.exec     execute_command, {{ .Vars }} filled in, {{ .Path }} as @PATH@
#   example-N.folder, example-N.codes (valid_exit_codes), example-N.disconnect (expect_disconnect)
#   example-shutdown.cmd   shutdown_command
# Packer logs in over SSH; this guest has no sshd, so each remote command is run as the build user
# with `su - USER -c`: the same uid, the user's own login environment and no terminal, which is what
# sudo decides on (sudoers rules for that user, no tty to read a password from). stdin is empty.
set -u
H=/run/bake-vm/h
EXAMPLE_STEPS=0
EXAMPLE_USER=""
# shellcheck disable=SC1091
. "$H/params.env"

as_user() { su - "$EXAMPLE_USER" -c "$1" < /dev/null; }

sec packer-example-before
echo "machine-id: $(cat /etc/machine-id)"
echo "instance-id: $(cat /var/lib/cloud/data/instance-id 2>&1)"
grep -v -e '^#' -e '^$' /etc/sudoers.d/90-cloud-init-users 2>&1 | sed 's/^/sudo-rule: /'
echo "groups: $(id -nG "$EXAMPLE_USER")"

for n in $(seq 1 "$EXAMPLE_STEPS"); do
  sec "packer-example $n"
  folder=$(cat "$H/example-$n.folder")
  remote="$folder/script_$((RANDOM % 9000 + 1000)).sh"
  # upload (as the user, who owns the file), then Packer's own `chmod 0755`, then execute_command
  install -m 0644 -o "$EXAMPLE_USER" -g "$(id -gn "$EXAMPLE_USER")" "$H/example-$n.upload" "$remote"
  as_user "chmod 0755 $remote"
  cmd=$(cat "$H/example-$n.exec")
  as_user "${cmd//@PATH@/$remote}" 2>&1
  rc=$?
  echo "exit: $rc"
  # expect_disconnect lets an SSH connection drop without an exit status; su has no connection to lose
  echo "expect_disconnect: $(cat "$H/example-$n.disconnect")"
  if ! grep -qw -- "$rc" "$H/example-$n.codes"; then
    echo "build: FAILED at provisioner $n (exit $rc not in valid_exit_codes $(cat "$H/example-$n.codes"))"
    exit 1
  fi
  # Packer's cleanup of the uploaded file, as the user; a failure fails the build
  if ! as_user "rm -f $remote"; then echo "build: FAILED removing $remote"; exit 1; fi
done

sec packer-example-shutdown
echo "command: $(cat "$H/example-shutdown.cmd")"
echo "machine-id-bytes: $(stat -c %s /etc/machine-id)"
as_user "$(cat "$H/example-shutdown.cmd")" 2>&1
echo "exit: $?"
# Packer then waits up to shutdown_timeout (5m) for the VM to stop; a poweroff underway shows
# at once as systemd's "stopping" state
for _ in $(seq 1 60); do
  if [ "$(systemctl is-system-running 2>/dev/null)" = stopping ]; then
    echo "shutdown: stopping"
    sleep infinity
  fi
  sleep 1
done
echo "build: FAILED: the VM did not begin to stop within 60 s of the shutdown command"
exit 1
