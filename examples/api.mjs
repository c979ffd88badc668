// bake as a library: render cloud-init user-data for three nodes in-process,
// as a Pulumi/CDK/cdktf program or your own tool would (no child process).
//   node examples/api.mjs            prints a summary
//   node examples/api.mjs out/       also writes out/<node>.user-data
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { plan, renderCloudInit, SpecError, validateSpec } from "bake-node";

// Each site pulls docker.io images through its own registry mirror.
const nodes = [
  { name: "edge-fra-1", mirror: "https://registry.fra.example.net" },
  { name: "edge-sin-1", mirror: "https://registry.sin.example.net" },
  { name: "edge-gru-1", mirror: "https://registry.gru.example.net" },
];

const outDir = process.argv[2];
if (outDir) mkdirSync(outDir, { recursive: true });

for (const node of nodes) {
  // validateSpec takes a plain object, fills in the defaults and throws SpecError on any problem.
  const { spec, warnings } = validateSpec({
    distro: "rocky9",
    containerd: {
      sandboxImage: "registry.k8s.io/pause:3.10",
      registries: { "docker.io": { mirrors: [node.mirror] } },
    },
  });
  for (const w of warnings) console.warn(`${node.name}: warning: ${w.path}: ${w.message}`);
  const p = plan(spec); // files, steps and checks; each file lists the spec keys it comes from
  const userData = renderCloudInit(p); // a string: #cloud-config ...
  if (outDir) writeFileSync(join(outDir, `${node.name}.user-data`), userData);
  console.log(
    `${node.name}: ${Buffer.byteLength(userData)} bytes of user-data, ${p.files.length} files, ${p.steps.length} steps`,
  );
}

// Errors are typed and carry key paths.
try {
  validateSpec({ containerd: { oomScore: 5000, sandboxImag: "pause:3.10" } });
} catch (error) {
  if (!(error instanceof SpecError)) throw error;
  for (const d of error.diagnostics) console.log(`rejected: ${d.path}: ${d.message}`);
}
