#!/bin/sh
# Your own script: runs after bake's provisioner (see main.tf).
set -eu
logger "bake status at first boot: $(cat /var/lib/bake/status)"
