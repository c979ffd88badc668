// The registries map of containerd's section: one hosts.toml per registry host, its mirrors and access.
import { Type } from "@sinclair/typebox";
import { mapOf, obj, oneOf, str } from "../../schema/build.js";

// TLS and auth options a registry host may need; shared by mirrors and the server.
// header values and client keys are secrets: files holding them are written 0600
// and validate.ts never prints them.
const hostAccess = {
  skipVerify: Type.Optional(
    Type.Boolean({ description: "Skip TLS verification for this host only (prints a warning)." }),
  ),
  ca: Type.Optional(
    str("pem-or-path", "CA certificate: PEM text (bake writes it next to hosts.toml) or an absolute path on the node."),
  ),
  client: Type.Optional(
    obj(
      {
        cert: str("pem-or-path", "Client certificate: PEM text or an absolute path on the node."),
        key: str(
          "pem-or-path",
          "Client key (secret): PEM text, written with mode 0600, or an absolute path on the node.",
        ),
      },
      "TLS client certificate for this host.",
    ),
  ),
  header: Type.Optional(
    mapOf(
      "header-name",
      Type.String({ format: "header-value", description: "Header value (secret)." }),
      "HTTP headers sent to this host, e.g. Authorization (secret).",
    ),
  ),
};

const Mirror = Type.Union(
  [
    str("http-url", "Mirror URL; pull and resolve go there first."),
    obj(
      {
        url: str("http-url", "Mirror URL."),
        capabilities: Type.Optional(
          Type.Array(oneOf(["pull", "resolve", "push"], "Capability."), {
            minItems: 1,
            uniqueItems: true,
            description: "What the mirror may be used for; default pull and resolve.",
          }),
        ),
        overridePath: Type.Optional(
          Type.Boolean({
            description:
              "The URL's path is the API root, used as is (https://host/v2/<namespace>); without it containerd appends /v2 to the path.",
          }),
        ),
        ...hostAccess,
      },
      "A mirror with options.",
    ),
  ],
  { description: "A mirror: a URL, or an object with url and options." },
);

const Registry = obj(
  {
    server: Type.String({
      format: "optional-http-url",
      description: "Upstream server; empty means the registry's own (registry-1.docker.io for docker.io).",
    }),
    mirrors: Type.Array(Mirror, { maxItems: 16, description: "Tried in order before the server." }),
    ...hostAccess,
  },
  "One registry's hosts.toml.",
);

export const RegistriesSection = mapOf("registry-host", Registry, "One hosts.toml per registry under configPath.");
