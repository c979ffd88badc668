// Registry credentials and TLS material: written where containerd looks, 0600 when secret, never echoed.
import { describe, expect, it } from "vitest";
import TOML from "@iarna/toml";
import { renderBoth, runCliAsync } from "./helpers.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";
const TOKEN = "Basic c2VjcmV0OnBhc3N3b3Jk";

describe("registry credentials", () => {
  const { plan, script } = renderBoth({
    containerd: {
      registries: {
        "registry.corp:5000": {
          header: { Authorization: TOKEN },
          ca: CA,
          mirrors: [
            { url: "https://mirror.corp:8443", client: { cert: CA, key: KEY }, ca: "/etc/pki/ca-trust/corp.pem" },
          ],
        },
      },
    },
  });
  const file = (path: string) => plan.files.find((f) => f.path === path);
  const dir = "/etc/containerd/certs.d/registry.corp:5000";

  it("writes hosts.toml with header, ca and client, as containerd reads them", () => {
    const hosts = TOML.parse(file(`${dir}/hosts.toml`)!.content) as any;
    expect(hosts.server).toBe("https://registry.corp:5000");
    expect(hosts.ca).toBe(`${dir}/server-ca.crt`);
    expect(hosts.header).toEqual({ Authorization: [TOKEN] });
    expect(hosts.host["https://mirror.corp:8443"]).toEqual({
      capabilities: ["pull", "resolve"],
      ca: "/etc/pki/ca-trust/corp.pem",
      client: [[`${dir}/mirror.corp_8443-client.crt`, `${dir}/mirror.corp_8443-client.key`]],
    });
  });

  it("writes inline PEM beside hosts.toml; secrets with mode 0600", () => {
    expect(file(`${dir}/hosts.toml`)!.mode).toBe("0600");
    expect(file(`${dir}/server-ca.crt`)).toMatchObject({ mode: "0644", content: CA });
    expect(file(`${dir}/mirror.corp_8443-client.crt`)).toMatchObject({ mode: "0644", content: CA });
    expect(file(`${dir}/mirror.corp_8443-client.key`)).toMatchObject({ mode: "0600", content: KEY });
    expect(script).toContain(`bake_put ${dir}/mirror.corp_8443-client.key 0600 <<'BAKE_EOF'`);
  });

  it("warns once that user-data exposes credentials to the metadata service", async () => {
    const r = await runCliAsync([
      "cloud-init",
      "--set",
      `containerd.registries.docker.io.header.Authorization=${TOKEN}`,
      "--set",
      `containerd.registries.quay.io.header.Authorization=${TOKEN}`,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr.match(/instance metadata service/g)).toHaveLength(1);
    expect(r.stderr).not.toContain("c2VjcmV0");
  });

  it("never prints a secret in an error, not even in the code frame", async () => {
    const r = await runCliAsync(["validate", "-c", "-"], {
      input: `containerd:\n  registries:\n    docker.io:\n      header:\n        Authorization: "Basic c2VjcmV0\\u0007"\n`,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("containerd.registries.docker.io.header.Authorization");
    expect(r.stderr).toContain("<stdin>:5:");
    expect(r.stderr).toContain("secret value hidden");
    expect(r.stderr).not.toContain("c2VjcmV0");
  });

  it("never prints a proxy password", async () => {
    const r = await runCliAsync(["validate", "--set", "containerd.proxy.http=http://user:hunter2@proxy:3128/ x"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("containerd.proxy.http");
    expect(r.stderr).not.toContain("hunter2");
  });
});
