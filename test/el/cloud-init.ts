// A STAND-IN for cloud-init, which the EL root does not have: only what decides how bake's
// cloud-init provisioner resumes after a reboot or a power cut. What it does, as cloud-init does:
// - write_files: each entry, with its permissions (writeFilesOf parses the YAML as cloud-init does);
// - runcmd: written to the instance's scripts/runcmd as cloud-init's util.shellify writes it:
//   `#!/bin/sh`, a list entry's words single-quoted, a string entry as it is, no `set -e`;
// - at each boot, first the ExecStartPre= lines of cloud-final.service's drop-ins (systemd runs
//   them before cloud-init's final stage; a leading "-" ignores a failure), then the final stage's
//   scripts_user, which runs the runcmd script unless the module's semaphore exists. cloud-init
//   writes the semaphore BEFORE it runs the module (cloudinit/helpers.py, FileSemaphores._acquire),
//   so a run cut short stays recorded as run.
// Not modelled: power_state (the test's "reboot" is its own), the other modules, systemd itself.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { writeFilesOf } from "../helpers.js";
import type { ElRoot } from "./root.js";

const INSTANCE = "/var/lib/cloud/instance";
export const SCRIPTS_USER_SEM = `${INSTANCE}/sem/config_scripts_user`;
const RUNCMD = `${INSTANCE}/scripts/runcmd`;

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** cloud-init's util.shellify of a runcmd list. */
export function shellify(runcmd: (string | string[])[]): string {
  return `#!/bin/sh\n${runcmd.map((c) => (Array.isArray(c) ? c.map(shellQuote).join(" ") : c)).join("\n")}\n`;
}

// One boot's part of cloud-init: cloud-final's drop-ins, then scripts_user unless it already ran.
const BOOT = `for f in /etc/systemd/system/cloud-final.service.d/*.conf; do
  [ -f "$f" ] || continue
  sed -n 's/^ExecStartPre=-\\{0,1\\}//p' "$f" | while read -r cmd; do $cmd || true; done
done
if [ -e ${SCRIPTS_USER_SEM} ]; then echo "stand-in cloud-init: scripts_user already ran for this instance"; exit 0; fi
mkdir -p ${INSTANCE}/sem && echo "stand-in" > ${SCRIPTS_USER_SEM}
/bin/sh ${RUNCMD}`;

export interface CloudInitStandIn {
  /** One boot: the drop-ins, then the runcmd script unless it already ran; its exit code and output. */
  boot(): Promise<{ code: number; output: string }>;
  /**
   * A boot whose power is cut while bake's script runs `command`: every process is killed at
   * once. A stand-in `command` first on the script's PATH (in place of the root's stub, if it
   * has one, until the cut) holds the run there, so the cut never comes after the run ended.
   */
  bootAndCutPowerDuring(command: string): Promise<{ code: number; output: string }>;
}

/** Puts bake's user-data on the root as cloud-init's first boot does, up to the final stage. */
export function cloudInitStandIn(root: ElRoot, userData: string): CloudInitStandIn {
  const { runcmd } = parse(userData, { version: "1.1" }) as { runcmd: (string | string[])[] };
  for (const f of writeFilesOf(userData)) {
    mkdirSync(join(root.upper, f.path, ".."), { recursive: true });
    writeFileSync(join(root.upper, f.path), f.content, { mode: Number.parseInt(f.permissions, 8) });
  }
  mkdirSync(join(root.upper, RUNCMD, ".."), { recursive: true });
  writeFileSync(join(root.upper, RUNCMD), shellify(runcmd), { mode: 0o700 });
  return {
    boot: () => root.run(BOOT),
    // kill -9 -1 spares only PID 1 (the root's wrapper) and the shell that sends it.
    bootAndCutPowerDuring: (command) =>
      root.run(`hold=/usr/local/sbin/${shellQuote(command)}
[ ! -e "$hold" ] || mv "$hold" "$hold.saved"
printf '#!/bin/sh\\ntouch /var/tmp/stand-in-held\\nexec /usr/bin/sleep 600\\n' > "$hold" && chmod 0755 "$hold"
(${BOOT}) &
until [ -e /var/tmp/stand-in-held ]; do /usr/bin/sleep 0.05; done
kill -9 -1; rm -f "$hold" /var/tmp/stand-in-held; [ ! -e "$hold.saved" ] || mv "$hold.saved" "$hold"; echo "stand-in: power cut during ${command.replace(/\W/g, "")}"`),
  };
}
