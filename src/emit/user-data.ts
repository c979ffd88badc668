// The user-data for a platform: rendered, compressed if asked, and checked
// against the platform's size limit. `bake cloud-init --cloud --gzip` is this.
import type { Plan } from "../plan/index.js";
import { renderCloudInit } from "./cloud-init.js";
import { checkUserDataSize, gzip, takesGzipPayload, type Cloud, type SizeCheck } from "./size.js";

export interface UserDataOptions {
  /** The platform whose size limit applies; "none" (the default) checks nothing. */
  cloud?: Cloud;
  /** Compress, in the smaller form the platform can carry. */
  gzip?: boolean;
  /** Combines bake's document with the user's (--merge, --mime); applied before compressing and counting. */
  compose?: (bakeText: string) => string;
}

export interface UserData {
  /** What to hand the platform: #cloud-config text, or base64 of the gzip'd document. */
  content: string;
  /** text: plain; gzip-payload: the whole document gzip+base64; gzip-files: gz+b64 inside each file. */
  form: "text" | "gzip-payload" | "gzip-files";
  /** The size as the platform counts it, against its limit; check.ok is false when over. */
  check: SizeCheck;
}

/**
 * --gzip picks the smaller form the platform can carry: the whole document
 * gzip+base64 where the API takes base64, else gz+b64 inside each file.
 */
export function renderUserData(
  plan: Plan,
  { cloud = "none", gzip: compress = false, compose = (text) => text }: UserDataOptions = {},
): UserData {
  const text = compose(renderCloudInit(plan));
  if (!compress) return { content: text, form: "text", check: checkUserDataSize(Buffer.from(text), cloud, "text") };
  const perFile = compose(renderCloudInit(plan, { compressFiles: true }));
  const whole = gzip(text);
  if (takesGzipPayload(cloud) && whole.length < Buffer.byteLength(perFile)) {
    return {
      content: whole.toString("base64") + "\n",
      form: "gzip-payload",
      check: checkUserDataSize(whole, cloud, "gzip"),
    };
  }
  return { content: perFile, form: "gzip-files", check: checkUserDataSize(Buffer.from(perFile), cloud, "gzip") };
}
