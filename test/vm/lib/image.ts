// Debian test images built with mmdebstrap and cached outside the repo.
// Direct kernel boot: the cache holds vmlinuz, initrd.img and a qcow2 of the root
// filesystem (no partition table, no bootloader). Each boot gets its own overlay.
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { log, run } from "./exec.js";
import { asRoot, exists } from "./host.js";

/** Bump when the build steps below change in a way the package list does not show. */
export const RECIPE_VERSION = 5;

export type Suite = "trixie" | "forky";
/** Debian architecture of the image; arm64 roots are built with qemu-user through binfmt. */
export type Arch = "amd64" | "arm64";

const GUEST_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "guest");

const COMMON_PACKAGES = [
  "systemd-sysv",
  "udev",
  "dbus",
  "kmod",
  "procps",
  "iproute2",
  "ifupdown",
  "netbase",
  "e2fsprogs",
  "ca-certificates",
  "cloud-init",
  // present so that bake's packages.remove is proven to remove them
  "podman",
  "buildah",
  // the Packer scenario logs in as an unprivileged user and uses sudo, as Packer does
  "sudo",
  // the pod network proof (guest/pod.sh): Debian's CNI plugins, moved to /opt/cni/bin below, and
  // iptables for the bridge plugin's masquerade and portmap (a kubeadm host tool bake installs with kubernetes on)
  "containernetworking-plugins",
  "iptables",
  // deliberately absent: containerd, runc (bake installs them from Debian's mirror) and curl (bake installs it when needed)
];

export function packagesFor(suite: Suite, arch: Arch = "amd64"): string[] {
  // Debian after trixie has no isc-dhcp-client; ifupdown then uses dhcpcd.
  return [...COMMON_PACKAGES, `linux-image-${arch}`, suite === "trixie" ? "isc-dhcp-client" : "dhcpcd-base"].sort();
}

/** Modules of the small initramfs: qemu's arm64 `virt` machine may put virtio devices on MMIO. */
const INITRAMFS_MODULES: Record<Arch, string[]> = {
  amd64: ["virtio_pci", "virtio_blk", "ext4"],
  arm64: ["virtio_pci", "virtio_mmio", "virtio_blk", "ext4"],
};

export interface Image {
  suite: Suite;
  arch: Arch;
  key: string;
  dir: string;
  kernel: string;
  initrd: string;
  disk: string;
  /** `dpkg-query` listing of the image: "name version" per line */
  manifest: string;
  built: boolean;
  buildSeconds?: number;
}

export function cacheRoot(): string {
  return process.env.BAKE_VM_CACHE ?? "/var/cache/bake-vm";
}

async function recipeKey(suite: Suite, arch: Arch, packages: string[]): Promise<string> {
  const h = createHash("sha256");
  // amd64 keys stay as they were before images had an arch, so their caches stay warm
  h.update(JSON.stringify({ suite, packages, RECIPE_VERSION, ...(arch !== "amd64" && { arch }) }));
  // the files baked into the image are part of the recipe
  for (const f of ["hook.sh", "bake-vm-hook.service"]) h.update(await readFile(join(GUEST_DIR, f)));
  return h.digest("hex").slice(0, 16);
}

/** Returns the cached image for `suite`, building it when the key changed or BAKE_VM_REBUILD=1. */
export async function ensureImage(suite: Suite, arch: Arch = "amd64"): Promise<Image> {
  const packages = packagesFor(suite, arch);
  const key = await recipeKey(suite, arch, packages);
  const name = arch === "amd64" ? suite : `${suite}-${arch}`;
  const dir = join(cacheRoot(), "images", `${name}-${key}`);
  const image = (built: boolean, buildSeconds?: number): Promise<Image> =>
    readFile(join(dir, "manifest.txt"), "utf8").then((manifest) => ({
      suite,
      arch,
      key,
      dir,
      built,
      buildSeconds,
      manifest,
      kernel: join(dir, "vmlinuz"),
      initrd: join(dir, "initrd.img"),
      disk: join(dir, "base.qcow2"),
    }));
  if (process.env.BAKE_VM_REBUILD !== "1" && (await exists(join(dir, "complete")))) {
    log(`image ${name}: cached ${dir}`);
    return image(false);
  }
  const t0 = Date.now();
  if (arch !== "amd64") await ensureBinfmt();
  log(`image ${name}: building (key ${key}) with mmdebstrap: ${packages.join(",")}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const rootfs = join(tmp, "rootfs");
  await mkdir(rootfs, { recursive: true });
  await run(
    "mmdebstrap",
    [
      "--variant=minbase",
      `--arch=${arch}`,
      // The mirror reachable from this test environment serves snapshots whose Release files can be
      // past Valid-Until. This setting stays inside the test image (apt in the guest needs it too);
      // it is never part of bake's output.
      `--aptopt=Acquire::Check-Valid-Until "false"`,
      // Test-image tuning, not bake's business: no translation indexes (6.5 MB less for the
      // guest's apt-get update over qemu's user network, which is slow under TCG).
      `--aptopt=Acquire::Languages "none"`,
      `--include=${packages.join(",")}`,
      "--dpkgopt=path-exclude=/usr/share/man/*",
      "--dpkgopt=path-exclude=/usr/share/doc/*",
      "--dpkgopt=path-include=/usr/share/doc/*/copyright",
      "--dpkgopt=path-exclude=/usr/share/locale/*",
      // A small initramfs with only what a virtio direct-kernel boot needs: the full one
      // (36 MB) costs about 15 s of TCG time in every boot. initramfs-tools only (trixie);
      // forky generates its initramfs with dracut and keeps the default one.
      `--customize-hook=if [ -d "$1/etc/initramfs-tools/conf.d" ]; then ` +
        `printf 'MODULES=list\\n' > "$1/etc/initramfs-tools/conf.d/bake-vm" && ` +
        `printf '${INITRAMFS_MODULES[arch].join("\\n")}\\n' >> "$1/etc/initramfs-tools/modules" && ` +
        `chroot "$1" update-initramfs -u -k all; fi`,
      suite,
      rootfs,
      ...(process.env.BAKE_VM_MIRROR ? [process.env.BAKE_VM_MIRROR] : []),
    ],
    { echo: `mmdebstrap ${name}: `, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } },
  );
  await customize(rootfs);
  const manifest = (await run("chroot", [rootfs, "dpkg-query", "-W", "-f=${Package} ${Version}\\n"])).stdout;
  await writeFile(join(tmp, "manifest.txt"), manifest);
  const boot = await readdir(join(rootfs, "boot"));
  const vmlinuz = boot.find((f) => f.startsWith("vmlinuz-"));
  const initrd = boot.find((f) => f.startsWith("initrd.img-"));
  if (!vmlinuz || !initrd) throw new Error(`image ${name}: no kernel/initrd in ${boot.join(" ")}`);
  await copyFile(join(rootfs, "boot", vmlinuz), join(tmp, "vmlinuz"));
  await copyFile(join(rootfs, "boot", initrd), join(tmp, "initrd.img"));
  const raw = join(tmp, "disk.raw");
  await run("truncate", ["-s", "4G", raw]);
  await run("mkfs.ext4", ["-q", "-F", "-L", "rootfs", "-d", rootfs, raw]);
  await run("qemu-img", ["convert", "-O", "qcow2", raw, join(tmp, "base.qcow2")]);
  await rm(raw);
  await rm(rootfs, { recursive: true, force: true });
  await writeFile(
    join(tmp, "recipe.json"),
    JSON.stringify({ suite, arch, packages, RECIPE_VERSION, key }, null, 2) + "\n",
  );
  await writeFile(join(tmp, "complete"), new Date().toISOString() + "\n");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  await rename(tmp, dir);
  const secs = (Date.now() - t0) / 1000;
  log(`image ${name}: built in ${secs.toFixed(0)} s -> ${dir}`);
  return image(true, secs);
}

/**
 * mmdebstrap runs the arm64 root's maintainer scripts through qemu-user: the kernel must know
 * qemu-aarch64 as binfmt_misc interpreter. qemu-user-static's install registers it (binfmt-support),
 * but only when binfmt_misc was mounted then: a container or a fresh VM may have neither.
 */
async function ensureBinfmt(): Promise<void> {
  const fs = "/proc/sys/fs/binfmt_misc";
  if (await exists(join(fs, "qemu-aarch64"))) return;
  if (!(await exists(join(fs, "register")))) await run(...asRoot("mount", ["-t", "binfmt_misc", "binfmt_misc", fs]));
  await run(...asRoot("update-binfmts", ["--enable", "qemu-aarch64"]));
  log("image: registered qemu-aarch64 with binfmt_misc");
}

async function customize(root: string): Promise<void> {
  const w = async (path: string, content: string, mode = 0o644) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
    await chmod(join(root, path), mode);
  };
  await w("etc/fstab", "/dev/vda / ext4 rw,errors=remount-ro 0 1\n");
  await w("etc/hostname", "bakevm\n");
  await w("etc/cloud/cloud.cfg.d/90-bake-vm-datasource.cfg", "datasource_list: [ NoCloud, None ]\n");
  // no openssh in the image: without this cloud-init ends "degraded" trying to make host keys
  await w("etc/cloud/cloud.cfg.d/91-bake-vm-no-ssh.cfg", "ssh_genkeytypes: []\nssh_deletekeys: false\n");
  await w("usr/local/libexec/bake-vm-hook", await readFile(join(GUEST_DIR, "hook.sh"), "utf8"), 0o755);
  await w("etc/systemd/system/bake-vm-hook.service", await readFile(join(GUEST_DIR, "bake-vm-hook.service"), "utf8"));
  await mkdir(join(root, "etc/systemd/system/multi-user.target.wants"), { recursive: true });
  await symlink(
    "/etc/systemd/system/bake-vm-hook.service",
    join(root, "etc/systemd/system/multi-user.target.wants/bake-vm-hook.service"),
  );
  await moveCniPlugins(root);
  // root without password on the console, for debugging a kept VM by hand
  await run("chroot", [root, "passwd", "-d", "root"]);
}

/** Where Debian's containernetworking-plugins puts the plugins, and where kubernetes-cni, flannel and Calico put theirs. */
export const DEBIAN_CNI_DIR = "/usr/lib/cni";
export const CNI_BIN_DIR = "/opt/cni/bin";

/**
 * Debian's plugins, placed only where kubernetes-cni installs them: each file is diverted with
 * dpkg-divert --rename, so /usr/lib/cni is left empty, dpkg knows where the files went, and an
 * upgrade of the package would land in /opt/cni/bin too. The binaries are the image's own
 * suite's build (its libc and arch), from the same mirror as the rest of the image.
 */
async function moveCniPlugins(root: string): Promise<void> {
  const plugins = await readdir(join(root, DEBIAN_CNI_DIR));
  if (!plugins.includes("bridge"))
    throw new Error(`image: no bridge plugin in ${DEBIAN_CNI_DIR}: ${plugins.join(" ")}`);
  await mkdir(join(root, CNI_BIN_DIR), { recursive: true });
  for (const p of plugins) {
    await run("chroot", [
      root,
      "dpkg-divert",
      "--quiet",
      "--local",
      "--rename",
      "--divert",
      `${CNI_BIN_DIR}/${p}`,
      "--add",
      `${DEBIAN_CNI_DIR}/${p}`,
    ]);
  }
}
