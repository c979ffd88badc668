// bake cloud-init --merge: the user's own cloud-config merged into bake's
// document, or sent beside it as MIME parts. Runs the built CLI.
import { gunzipSync } from "node:zlib";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCliAsync, tempDir } from "./helpers.js";

const F = "test/fixtures/compose";
const PROVISION = "/bin/bash /usr/local/sbin/bake-provision || exit";
// bake's runcmd first writes the provisioner from a here-document, then runs it.
const WRITE = expect.stringMatching(/^install -m 0700 \/dev\/stdin \/usr\/local\/sbin\/bake-provision <<'BAKE_EOF'\n/);

interface CloudConfig {
  write_files: { path: string; content: string; encoding?: string }[];
  runcmd: unknown[];
  [key: string]: unknown;
}

async function cloudInit(...args: string[]) {
  const r = await runCliAsync(["cloud-init", "--defaults", ...args]);
  expect(r.stderr).not.toContain("error");
  expect(r.status).toBe(0);
  return r.stdout;
}

const parsed = (doc: string) => parse(doc, { version: "1.1" }) as CloudConfig;

/** A multipart/mixed document split as a MIME reader would: each part's headers and body. */
function mimeParts(doc: string) {
  const boundary = /boundary="([^"]+)"/.exec(doc)![1]!;
  const [, ...sections] = doc.split(`\n--${boundary}`);
  expect(sections.pop()).toBe("--\n");
  return sections.map((s) => {
    const [head, ...body] = s.replace(/^\n/, "").split("\n\n");
    const headers = Object.fromEntries(
      head!.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
    );
    return { headers, body: body.join("\n\n") };
  });
}

describe("--merge: one #cloud-config holding bake's and the user's", async () => {
  const bake = parsed(await cloudInit());
  const merged = await cloudInit("--merge", `${F}/ops-user.yaml`);
  const doc = parsed(merged);

  it("passes through keys bake does not use, untouched", () => {
    expect(doc.users).toEqual([
      "default",
      expect.objectContaining({ name: "ops", ssh_authorized_keys: [expect.stringMatching(/^ssh-ed25519 /)] }),
    ]);
    expect(doc.hostname).toBe("node-1");
    expect(doc.timezone).toBe("Etc/UTC");
    expect(doc.packages).toEqual(["jq"]);
  });

  it("writes bake's files first and unchanged, then the user's", () => {
    expect(doc.write_files.slice(0, bake.write_files.length)).toEqual(bake.write_files);
    expect(doc.write_files.slice(bake.write_files.length).map((f) => f.path)).toEqual(["/etc/motd"]);
  });

  it("runs the user's runcmd after bake's provisioner", () => {
    expect(doc.runcmd).toEqual([WRITE, PROVISION, 'echo "ops runcmd ran" > /var/tmp/ops-runcmd']);
  });

  it("runs it before bake's provisioner with --user-first, keeping the files' order", async () => {
    const first = parsed(
      await cloudInit("--merge", `${F}/ops-user.yaml`, "--merge", `${F}/more-packages.yaml`, "--user-first"),
    );
    expect(first.runcmd).toEqual([
      'echo "ops runcmd ran" > /var/tmp/ops-runcmd',
      ["touch", "/var/tmp/more-packages"],
      WRITE,
      PROVISION,
    ]);
  });

  it("appends a list two user files both set, in the order given", async () => {
    const both = parsed(await cloudInit("--merge", `${F}/ops-user.yaml`, "--merge", `${F}/more-packages.yaml`));
    expect(both.packages).toEqual(["jq", "curl"]);
    expect(both.runcmd).toEqual([
      WRITE,
      PROVISION,
      'echo "ops runcmd ran" > /var/tmp/ops-runcmd',
      ["touch", "/var/tmp/more-packages"],
    ]);
  });

  it("keeps bake's header and the user's comments, and says where each user entry came from", () => {
    expect(merged.startsWith("#cloud-config\n# bake ")).toBe(true);
    expect(merged).toContain("# The ops team's login: bake leaves users, keys, hostname and timezone to you.\nusers:");
    expect(merged).toContain(`# from ${F}/ops-user.yaml\n- path: /etc/motd`);
  });

  it("is byte-identical run after run", async () => {
    expect(await cloudInit("--merge", `${F}/ops-user.yaml`)).toBe(merged);
  });

  it("expands the user's aliases, so anchors from two files cannot meet or come after their use", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "a.yaml"),
      "#cloud-config\nx-keys: &k [ssh-ed25519 AAAA a@b]\nusers:\n  - name: a\n    ssh_authorized_keys: *k\n",
    );
    writeFileSync(join(dir, "b.yaml"), "#cloud-config\nx-cmd: &k [echo, b]\nruncmd:\n  - *k\n");
    const both = parsed(await cloudInit("--merge", join(dir, "a.yaml"), "--merge", join(dir, "b.yaml")));
    expect(both.users).toEqual([{ name: "a", ssh_authorized_keys: ["ssh-ed25519 AAAA a@b"] }]);
    expect(both.runcmd).toEqual([WRITE, PROVISION, ["echo", "b"]]);
  });

  // validate --merge checks the very user-data cloud-init --merge prints.
  it.each([["cloud-init"], ["validate"]])(
    "bake %s applies the size limit to the merged whole, writing nothing",
    async (command) => {
      const dir = tempDir();
      const big = join(dir, "big.yaml");
      writeFileSync(big, `#cloud-config\nwrite_files:\n- path: /etc/big\n  content: ${"x".repeat(12000)}\n`);
      expect((await runCliAsync([command, "--defaults", "--cloud", "aws"])).status).toBe(0);
      const r = await runCliAsync([command, "--defaults", "--cloud", "aws", "--merge", big]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/user-data is \d+ bytes, over the 16384-byte limit of AWS EC2/);
      expect(readdirSync(dir)).toEqual(["big.yaml"]);
    },
  );

  it("--gzip compresses the merged whole where the platform takes gzip, and bake's files alone inside otherwise", async () => {
    const whole = gunzipSync(
      Buffer.from(await cloudInit("--merge", `${F}/ops-user.yaml`, "--gzip", "--cloud", "aws"), "base64"),
    ).toString();
    expect(whole).toBe(merged);
    const perFile = parsed(await cloudInit("--merge", `${F}/ops-user.yaml`, "--gzip"));
    // bake's files and its provisioner, which plain text writes from runcmd instead
    expect(perFile.write_files.filter((f) => f.encoding === "gz+b64")).toHaveLength(bake.write_files.length + 1);
    expect(perFile.write_files.at(-1)).toEqual({
      path: "/etc/motd",
      content: "node-1: containerd by bake, access by ops\n",
    });
    expect(perFile.users).toEqual(doc.users);
  });
});

// The user's packages make cloud-init run apt-get update before runcmd. An apt source
// whose key bake's script downloads would fail it: write_files puts none in
// sources.list.d; the script moves each there once its key verifies.
describe("bake's apt sources wait for their signing keys", () => {
  const written = async (...set: string[]) =>
    parsed(await cloudInit(...set.flatMap((s) => ["--set", s]), "--merge", `${F}/ops-user.yaml`)).write_files.map(
      (f) => f.path,
    );

  it("kubernetes.sources and docker.sources are staged outside sources.list.d, so cloud-init's apt-get update never reads them", async () => {
    const kube = await written("distro=debian13", "kubernetes.enabled=true");
    expect(kube.filter((p) => p.startsWith("/etc/apt/"))).toEqual([]);
    expect(kube).toContain("/var/lib/bake/kubernetes.sources");
    // debian13 with kubernetes: docker's containerd.io 2.x, so docker's source is staged too
    expect(kube).toContain("/var/lib/bake/docker.sources");
    const docker = await written("distro=ubuntu2404", "containerd.source=docker");
    expect(docker.filter((p) => p.startsWith("/etc/apt/"))).toEqual([]);
    expect(docker).toContain("/var/lib/bake/docker.sources");
  });

  it("on EL, where dnf fetches a repo's key itself, the repo file goes in place at once", async () => {
    expect(await written("distro=rocky9", "kubernetes.enabled=true")).toContain("/etc/yum.repos.d/kubernetes.repo");
  });
});

describe("--mime: bake's part, then the user's", async () => {
  const args = [
    "--merge",
    `${F}/ops-user.yaml`,
    "--merge",
    `${F}/ops-script.sh`,
    "--merge",
    `${F}/ops-boothook.sh`,
    "--mime",
  ];
  const mime = await cloudInit(...args);
  const parts = mimeParts(mime);

  it("starts with the MIME headers cloud-init looks for", () => {
    expect(mime).toMatch(/^Content-Type: multipart\/mixed; boundary="==bake-[0-9a-f]{32}=="\nMIME-Version: 1\.0\n\n/);
  });

  it("sends each file as its own part, typed by its first line, bake's first and exactly as rendered", async () => {
    expect(parts.map((p) => p.headers["Content-Type"])).toEqual(
      ["text/cloud-config", "text/cloud-config", "text/x-shellscript", "text/cloud-boothook"].map(
        (t) => `${t}; charset="utf-8"`,
      ),
    );
    expect(`${parts[0]!.body}\n`).toBe(await cloudInit());
    expect(`${parts[2]!.body}\n`).toBe(
      '#!/bin/sh\n# A user script sent as its own MIME part.\necho "script part ran" > /var/tmp/ops-script\n',
    );
  });

  it("asks cloud-init to append the user's lists, not replace bake's runcmd and write_files", async () => {
    expect(parts[0]!.headers["Merge-Type"]).toBeUndefined();
    expect(parts[1]!.headers["Merge-Type"]).toBe("list(append)+dict(no_replace,recurse_list)+str()");
    const first = mimeParts(await cloudInit(...args, "--user-first"));
    expect(first[1]!.headers["Merge-Type"]).toBe("list(prepend)+dict(no_replace,recurse_list)+str()");
  });

  it("names script parts so that cloud-init's sorted run puts them after runcmd's script, or before it with --user-first", async () => {
    const name = (headers: Record<string, string>) => /filename="([^"]+)"/.exec(headers["Content-Disposition"]!)![1]!;
    expect(name(parts[2]!.headers) > "runcmd").toBe(true);
    expect(name(mimeParts(await cloudInit(...args, "--user-first"))[2]!.headers) < "runcmd").toBe(true);
  });

  it("is byte-stable, and its boundary changes with the content", async () => {
    expect(await cloudInit(...args)).toBe(mime);
    const other = await cloudInit("--merge", `${F}/ops-user.yaml`, "--mime");
    expect(/boundary="([^"]+)"/.exec(other)![1]).not.toBe(/boundary="([^"]+)"/.exec(mime)![1]);
  });

  it("--gzip compresses the whole multipart document", async () => {
    expect(gunzipSync(Buffer.from(await cloudInit(...args, "--gzip", "--cloud", "aws"), "base64")).toString()).toBe(
      mime,
    );
  });

  it("checks the user's cloud-config parts as a merge does: a clash is refused", async () => {
    const r = await runCliAsync(["cloud-init", "--defaults", "--mime", "--merge", `${F}/bad-clash.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("/etc/containerd/config.toml is written by both");
  });
});

describe("bake validate --merge checks the user-data cloud-init --merge would print", () => {
  it("the user's files: a clash with bake's files is refused", async () => {
    const r = await runCliAsync(["validate", "--defaults", "--mime", "--merge", `${F}/bad-clash.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("/etc/containerd/config.toml is written by both");
  });

  it("a merge that works is valid", async () => {
    const r = await runCliAsync(["validate", "--defaults", "--merge", `${F}/ops-user.yaml`, "--cloud", "aws"]);
    expect(r.stderr).toContain("built-in defaults is valid");
    expect(r.status).toBe(0);
  });

  it("--mime alone is a usage error, as with cloud-init", async () => {
    const r = await runCliAsync(["validate", "--defaults", "--mime"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--mime needs at least one --merge FILE");
  });
});

describe("--mime and --user-first need --merge", () => {
  it.each([["--mime"], ["--user-first"]])("%s alone is a usage error", async (flag) => {
    const r = await runCliAsync(["cloud-init", "--defaults", flag]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${flag} needs at least one --merge FILE`);
  });
});

describe("the library composes as the CLI does", () => {
  it("planSpec + renderUserData({ compose: composer(...) }) give byte for byte what --merge and --mime print", async () => {
    const { composer, planSpec, renderUserData } = await import("../src/index.js");
    const files = [`${F}/ops-user.yaml`, `${F}/ops-script.sh`];
    const { plan } = planSpec();
    const mime = renderUserData(plan, { compose: composer(plan, { files, mime: true }) });
    expect(mime.content).toBe(await cloudInit("--merge", files[0]!, "--merge", files[1]!, "--mime"));
    const merged = renderUserData(plan, { cloud: "aws", compose: composer(plan, { files: [files[0]!] }) });
    expect(merged.check.ok).toBe(true);
    expect(merged.content).toBe(await cloudInit("--merge", files[0]!));
  });
});
