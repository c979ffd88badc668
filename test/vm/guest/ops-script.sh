#!/bin/sh
# The user's own script in the MIME boot (bake cloud-init --merge ... --mime): a part of its own.
echo "bake status when ops script ran: $(cat /var/lib/bake/status 2>&1)" > /var/tmp/ops-script
