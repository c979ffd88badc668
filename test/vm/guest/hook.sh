#!/bin/sh
# bake-vm-hook: the only harness code inside the Debian test images.
# Started at boot (bake-vm-hook.service) on the images the harness builds, or by a
# boothook part on foreign cloud images (--image). It copies the harness's guest
# scripts off the NoCloud seed disk (label CIDATA) and starts report.sh, which waits
# for cloud-init to finish, writes the report to the second serial port (ttyS1) and
# powers the VM off. bake's user-data is not touched: the seed carries it unchanged.
set -u
dir=/run/bake-vm
mkdir -p "$dir/seed"
dev=/dev/disk/by-label/CIDATA
i=0
while [ ! -e "$dev" ] && [ "$i" -lt 60 ]; do sleep 1; i=$((i + 1)); done
if ! mount -o ro "$dev" "$dir/seed"; then
  echo "bake-vm-hook: cannot mount the seed disk $dev" > /dev/ttyS1
  exit 1
fi
rm -rf "$dir/h"
cp -r "$dir/seed/bake-vm" "$dir/h" 2>/dev/null
umount "$dir/seed"
[ -f "$dir/h/report.sh" ] || exit 0
exec /bin/bash "$dir/h/report.sh"
