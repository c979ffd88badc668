// Small container images built here, without docker: one gzip'd tar layer holding a static
// busybox (Debian's busybox-static: the host's for amd64, trixie's arm64 .deb fetched and
// unpacked here for arm64), an image config and a Docker v2 schema 2 manifest,
// the format every containerd version pulls. The images are test fixtures, not real pause or
// application images: the "pause" image is a busybox shell that sleeps until SIGTERM.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { withDebianPackages } from "../../../scripts/debian-containerd.mjs";
import { log, run } from "./exec.js";
import { exists } from "./host.js";
import { type Arch, cacheRoot } from "./image.js";

export const MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";
const CONFIG_TYPE = "application/vnd.docker.container.image.v1+json";
const LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/** Static busybox from busybox-static (merged /usr: /bin/busybox is /usr/bin/busybox). */
export const BUSYBOX = "/bin/busybox";

/** The static busybox for `arch`: the host's, or Debian trixie's arm64 busybox-static, fetched once into the cache. */
async function busyboxFor(arch: Arch): Promise<string> {
  if (arch === "amd64") return BUSYBOX;
  const cached = join(cacheRoot(), `busybox-static-trixie-${arch}`, "busybox");
  if (await exists(cached)) return cached;
  log(`busybox: fetching Debian trixie's busybox-static for ${arch}`);
  // apt checks the suite's signed Release and the .deb's sha256 (scripts/debian-containerd.mjs)
  const bin = withDebianPackages("busybox-static", ["trixie"], arch, (unpacked) =>
    readFileSync(join(unpacked.get("trixie")!, "usr/bin/busybox")),
  );
  await mkdir(join(cached, ".."), { recursive: true });
  await writeFile(`${cached}.tmp`, bin, { mode: 0o755 });
  await run("mv", [`${cached}.tmp`, cached]);
  return cached;
}

export interface OciImage {
  /** blobs by digest ("sha256:..."): the layer and the config */
  blobs: Map<string, Buffer>;
  manifest: Buffer;
  manifestDigest: string;
  layerDigest: string;
}

/** As PID 1 a shell ignores SIGTERM unless it traps it: this one sleeps until SIGTERM, then exits 0. */
export const SLEEP_UNTIL_TERM = ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

export interface ImageRecipe {
  entrypoint: string[];
  /** the image config's architecture and the busybox's (default amd64) */
  arch?: Arch;
  /** extra files in the layer: path (relative, no leading slash) -> content */
  files?: Record<string, string>;
}

/** An ELF64 program header of type PT_INTERP (3) means the binary needs a dynamic loader. */
function hasInterpreter(elf: Buffer): boolean {
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (elf.readUInt32LE(phoff + i * size) === 3) return true;
  return false;
}

/** e_machine of an ELF header: x86-64 62, AArch64 183 */
const ELF_MACHINE: Record<Arch, number> = { amd64: 62, arm64: 183 };

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export async function buildImage(recipe: ImageRecipe): Promise<OciImage> {
  const work = await mkdtemp(join(tmpdir(), "bake-vm-layer-"));
  const stage = join(work, "rootfs");
  try {
    await mkdir(stage);
    await mkdir(join(stage, "bin"));
    // a dynamic busybox (Debian's busybox package) would not start in an image without libc
    const arch = recipe.arch ?? "amd64";
    const busybox = await busyboxFor(arch);
    const elf = await readFile(busybox);
    if (hasInterpreter(elf)) throw new Error(`${busybox} is not static: install busybox-static`);
    if (elf.readUInt16LE(0x12) !== ELF_MACHINE[arch]) throw new Error(`${busybox} is not an ${arch} executable`);
    await copyFile(busybox, join(stage, "bin", "busybox"));
    await chmod(join(stage, "bin", "busybox"), 0o755);
    for (const applet of ["sh", "sleep", "cat"]) await symlink("busybox", join(stage, "bin", applet));
    for (const [path, content] of Object.entries(recipe.files ?? {})) {
      await mkdir(join(stage, path, ".."), { recursive: true });
      await writeFile(join(stage, path), content);
    }
    await run("chmod", ["-R", "u=rwX,go=rX", stage]);
    const top = ["bin", ...new Set(Object.keys(recipe.files ?? {}).map((p) => p.split("/")[0]!))].sort();
    // fixed owner, order and mtime: the same recipe gives the same digests
    await run("tar", [
      "-C",
      stage,
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "--format=gnu",
      "-cf",
      join(work, "layer.tar"),
      ...top,
    ]);
    const layerTar = await readFile(join(work, "layer.tar"));
    const layer = gzipSync(layerTar, { level: 9 });
    const config = Buffer.from(
      JSON.stringify({
        architecture: arch,
        os: "linux",
        created: "1970-01-01T00:00:00Z",
        config: { Entrypoint: recipe.entrypoint, Env: ["PATH=/bin"], WorkingDir: "/" },
        rootfs: { type: "layers", diff_ids: [sha(layerTar)] },
        history: [{ created: "1970-01-01T00:00:00Z", created_by: "bake VM test harness (test/vm/lib/oci-image.ts)" }],
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST_TYPE,
        config: { mediaType: CONFIG_TYPE, size: config.length, digest: sha(config) },
        layers: [{ mediaType: LAYER_TYPE, size: layer.length, digest: sha(layer) }],
      }),
    );
    return {
      blobs: new Map([
        [sha(layer), layer],
        [sha(config), config],
      ]),
      manifest,
      manifestDigest: sha(manifest),
      layerDigest: sha(layer),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
