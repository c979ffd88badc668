// NoCloud seed disk (vfat, label CIDATA) built with mtools: no loop mounts, no root needed.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { run } from "./exec.js";

/**
 * cloud-init's fallback network config also asks DHCPv6, which qemu's user network
 * never answers: networking then hangs for 5 minutes. An explicit DHCPv4-only config avoids it.
 */
export const NETWORK_CONFIG = `version: 2
ethernets:
  eth0:
    dhcp4: true
    dhcp6: false
`;

export interface SeedContent {
  instanceId: string;
  /** exact bytes given to cloud-init as user-data */
  userData: Buffer;
  /** harness files copied to ::bake-vm/ on the seed (report.sh, params.env, job.sh, scripts) */
  harnessFiles: Record<string, string | Buffer>;
}

export async function buildSeed(path: string, content: SeedContent): Promise<void> {
  const stage = join(dirname(path), "seed");
  await mkdir(join(stage, "bake-vm"), { recursive: true });
  await writeFile(join(stage, "user-data"), content.userData);
  await writeFile(join(stage, "meta-data"), `instance-id: ${content.instanceId}\nlocal-hostname: bakevm\n`);
  await writeFile(join(stage, "network-config"), NETWORK_CONFIG);
  for (const [name, data] of Object.entries(content.harnessFiles)) await writeFile(join(stage, "bake-vm", name), data);
  await run("mkfs.vfat", ["-n", "CIDATA", "-C", path, "8192"]);
  await run("mcopy", [
    "-i",
    path,
    join(stage, "user-data"),
    join(stage, "meta-data"),
    join(stage, "network-config"),
    "::",
  ]);
  await run("mcopy", ["-s", "-i", path, join(stage, "bake-vm"), "::"]);
}
