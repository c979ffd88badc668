#!/usr/bin/env node
// `npm run test:vm [-- options]`: the VM boot suite (test/vm/boot.test.ts) under vitest.
//
//   --image FILE     boot this cloud image (qcow2/raw, e.g. Rocky-9-GenericCloud.qcow2) with its
//                    own bootloader instead of the Debian trixie/forky images built here
//   --distro NAME    bake distro for --image (default: from the file name, rocky9, rocky8, rocky10, alma9 ...)
//   --only A,B       run only these boots (trixie, forky, trixie-packer, trixie-failure, trixie-kubeadm; trixie-arm64,
//                    which runs only when named: npm run test:vm-arm64;
//                    with --image: <distro>, <distro>-packer, <distro>-failure, <distro>-kubeadm)
//   --parallel N     boots at a time (default 2)
//   --accel kvm|tcg|auto  TCG by default; auto probes for a working KVM
//   --rebuild        rebuild the cached Debian images
//   --keep           keep the VM disks under /var/cache/bake-vm/runs
// Anything else is passed to vitest (e.g. --reporter=json --outputFile.json=out/vitest-vm.json).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const env = { ...process.env };
const rest = [];
const args = process.argv.slice(2);
const value = (i, name) => {
  const v = args[i + 1];
  if (v === undefined) {
    console.error(`test:vm: ${name} needs a value`);
    process.exit(2);
  }
  return v;
};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
  const take = () => inline ?? value(i++, flag);
  switch (flag) {
    case "--image": {
      const file = resolve(take());
      if (!existsSync(file)) {
        console.error(`test:vm: --image ${file}: no such file`);
        process.exit(2);
      }
      env.BAKE_VM_IMAGE = file;
      break;
    }
    case "--distro":
      env.BAKE_VM_DISTRO = take();
      break;
    case "--only":
      env.BAKE_VM_ONLY = take();
      break;
    case "--parallel":
      env.BAKE_VM_PARALLEL = take();
      break;
    case "--accel":
      env.BAKE_VM_ACCEL = take();
      break;
    case "--rebuild":
      env.BAKE_VM_REBUILD = "1";
      break;
    case "--keep":
      env.BAKE_VM_KEEP = "1";
      break;
    default:
      rest.push(a);
  }
}
// One suite run at a time per cache: two share /var/cache/bake-vm/runs/<boot> and break each
// other's disks. A second run waits; a lock left by a run that died is taken over.
const cache = env.BAKE_VM_CACHE ?? "/var/cache/bake-vm";
const lock = join(cache, "suite.lock");
mkdirSync(cache, { recursive: true });
let waitingFor = 0;
for (;;) {
  try {
    const fd = openSync(lock, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    break;
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
    const holder = Number(readFileSync(lock, "utf8").trim());
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = true;
    } catch {}
    if (!alive) {
      rmSync(lock, { force: true });
      continue;
    }
    // Waiting, not failing: helpers and CI start runs without knowing of each other.
    if (holder !== waitingFor)
      console.error(`test:vm: another VM suite run (pid ${holder}) holds ${lock}; waiting for it to end`);
    waitingFor = holder;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
}
const vitest = join(repo, "node_modules", "vitest", "vitest.mjs");
const r = spawnSync(process.execPath, [vitest, "run", "--config", "test/vm/vitest.config.ts", ...rest], {
  cwd: repo,
  env,
  stdio: "inherit",
});
rmSync(lock, { force: true });
process.exit(r.status ?? 1);
