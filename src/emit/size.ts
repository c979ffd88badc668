// User-data size limits per platform, and the compressed forms cloud-init reads.
import { createRequire } from "node:module";

// node:zlib loads only when something is compressed: most runs compress nothing.
const require = createRequire(import.meta.url);
const zlib = (): typeof import("node:zlib") => require("node:zlib") as typeof import("node:zlib");

export const CLOUDS = ["aws", "azure", "gcp", "openstack", "alibaba", "tencent", "huawei", "none"] as const;
export type Cloud = (typeof CLOUDS)[number];

interface CloudLimit {
  /** Bytes allowed, counted as `counted` says. */
  limit: number;
  counted: "raw" | "base64";
  /** The platform's API carries user-data as base64, so a gzip payload survives it. */
  takesBinary: boolean;
  name: string;
  /** How to hand bake's output to the console or API, where the cloud's own pages say more than "paste it". */
  handOver?: (ascii: boolean) => string;
}

// Sources (read 2026-12-06, docs/guide.md has the links): AWS EC2 user data (16 KB before
// base64), Azure customData (64 KB), GCP metadata value (256 KB), OpenStack Nova user_data
// (65535 bytes of base64); Alibaba ECS and Huawei ECS (32 KB before base64); Tencent CVM
// (16 KB of base64, as Tencent's own Terraform provider reads its API text). None of the
// three China clouds documents an inline gzip payload, so --gzip keeps a text #cloud-config.
export const CLOUD_LIMITS: Record<Exclude<Cloud, "none">, CloudLimit> = {
  aws: { limit: 16384, counted: "raw", takesBinary: true, name: "AWS EC2" },
  azure: { limit: 65535, counted: "raw", takesBinary: true, name: "Azure customData" },
  gcp: { limit: 262144, counted: "raw", takesBinary: false, name: "GCP metadata user-data" },
  openstack: { limit: 65535, counted: "base64", takesBinary: true, name: "OpenStack user_data" },
  alibaba: {
    limit: 32768,
    counted: "raw",
    takesBinary: false,
    name: "Alibaba Cloud ECS",
    handOver: () =>
      "Alibaba Cloud: paste it into User Data as it is and leave the Base64-encoded option unticked (the console encodes it); the API's UserData takes it base64-encoded",
  },
  tencent: {
    limit: 16384,
    counted: "base64",
    takesBinary: false,
    name: "Tencent Cloud CVM",
    handOver: () =>
      "Tencent Cloud: paste it as plain text; the API's UserData takes it base64-encoded (Terraform: tencentcloud_instance user_data_raw takes it as it is)",
  },
  huawei: {
    limit: 32768,
    counted: "raw",
    takesBinary: false,
    name: "Huawei Cloud ECS",
    handOver: (ascii) =>
      ascii
        ? "Huawei Cloud: paste it into User Data as Text (ASCII only, which it is) or upload it as File; the API's user_data takes it base64-encoded"
        : "Huawei Cloud: upload it as File: it holds non-ASCII characters, which the Text box refuses; the API's user_data takes it base64-encoded",
  },
};

export interface SizeCheck {
  ok: boolean;
  bytes: number;
  limit: number;
  message: string;
}

/** How big `payload` is as the platform counts it, against its limit. */
export function checkUserDataSize(payload: Buffer, cloud: Cloud, form: "text" | "gzip"): SizeCheck {
  if (cloud === "none") return { ok: true, bytes: payload.length, limit: Infinity, message: `${payload.length} bytes` };
  const { limit, counted, name, takesBinary } = CLOUD_LIMITS[cloud];
  const bytes = counted === "base64" ? base64Length(payload.length) : payload.length;
  const ok = bytes <= limit;
  const advice =
    form === "gzip"
      ? "move files into the image with the Packer script, or drop registries/mirrors you do not need"
      : takesBinary
        ? "use --gzip to send it gzip-compressed (cloud-init decompresses it)"
        : "use --gzip to compress the files inside it";
  return {
    ok,
    bytes,
    limit,
    message: ok
      ? `${bytes} of ${limit} bytes allowed by ${name}${counted === "base64" ? " (counted as base64)" : ""}`
      : counted === "base64"
        ? `user-data is ${bytes} bytes as base64 (${payload.length} raw), over the ${limit}-byte limit of ${name} (at most ${rawFitting(limit)} bytes before base64); ${advice}`
        : `user-data is ${bytes} bytes, over the ${limit}-byte limit of ${name}; ${advice}`,
  };
}

/** The length of n bytes as padded base64: ceil(n/3)*4. */
const base64Length = (n: number) => Math.ceil(n / 3) * 4;

/** The most raw bytes whose base64 fits in `limit` characters. */
const rawFitting = (limit: number) => Math.floor(limit / 4) * 3;

/** The line telling how to hand user-data to the platform's console or API, where bake knows one. */
export function handOverNote(cloud: Cloud, content: string): string | undefined {
  if (cloud === "none") return undefined;
  return CLOUD_LIMITS[cloud].handOver?.(/^[\x00-\x7f]*$/.test(content));
}

/**
 * The warning every command that writes user-data gives when no --cloud is named:
 * the platform is unknown, so the smallest common limit (EC2's) is the one to warn
 * about. A warning, not an error: GCP takes 256 KB; --cloud X makes X's limit an error.
 */
export function sizeWarningWithoutCloud(bytes: number): string | undefined {
  const aws = CLOUD_LIMITS.aws.limit;
  return bytes > aws
    ? `warning: user-data is ${bytes} bytes, over AWS's ${aws}-byte limit; pass --cloud to check your platform's, or --gzip`
    : undefined;
}

/** gzip with a fixed header (no name, mtime 0), so output stays deterministic. */
export function gzip(data: string | Buffer): Buffer {
  return zlib().gzipSync(data, { level: 9 });
}

/** Whether the platform can carry a whole gzip payload (base64 in its API). */
export function takesGzipPayload(cloud: Cloud): boolean {
  return cloud !== "none" && CLOUD_LIMITS[cloud].takesBinary;
}
