// A Debian trixie root filesystem with cloud-init 25.1, for running the real
// `cloud-init schema` and cloud-init's own decoders against bake's output.
// Built once with mmdebstrap and cached outside the repo (scripts/debian-root.mjs).
import { spawnSync } from "node:child_process";
import { debianRoot } from "../../scripts/debian-root.mjs";

/** Path of the cached rootfs; builds it (about a minute) when missing. */
export const trixieRootfs = (): string => debianRoot("trixie-cloud-init", "trixie", ["cloud-init", "python3"]);

/** Run a command inside the rootfs with chroot; files go through rootfs/tmp. */
export function inRootfs(rootfs: string, args: string[], input?: string) {
  const r = spawnSync("chroot", [rootfs, ...args], {
    input,
    encoding: "utf8",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
  });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/**
 * Python for inRootfs: cloud-init's user-data processor splits a MIME document (base64:
 * as a platform's API hands over user_data_base64, decoded, then gunzipped by cloud-init);
 * its cloud-config part handler merges the cloud-config parts with each part's merge
 * type, as on a booted node. Prints {parts: [[type, filename]], config}.
 */
export const splitAndMerge = (input: "text" | "base64") =>
  [
    "import base64, json, sys",
    "from cloudinit import handlers, user_data",
    "from cloudinit.handlers.cloud_config import CloudConfigPartHandler",
    "class NoInstance:",
    "    def get_ipath(self, name=None): return None",
    "    def get_ipath_cur(self, name=None): return '/nonexistent'",
    "    def get_cpath(self, name=None): return '/nonexistent'",
    `blob = ${input === "base64" ? "base64.b64decode(sys.stdin.read())" : "sys.stdin.read()"}`,
    "message = user_data.UserDataProcessor(NoInstance()).process(blob)",
    "handler = CloudConfigPartHandler(NoInstance())",
    "handler.handle_part(None, handlers.CONTENT_START, None, None, None, None)",
    "parts = []",
    "for part in message.walk():",
    "    if part.is_multipart(): continue",
    "    parts.append([part.get_content_type(), part.get_filename()])",
    "    if part.get_content_type() == 'text/cloud-config':",
    "        handler.handle_part(None, 'text/cloud-config', part.get_filename(), part.get_payload(decode=True).decode(), None, dict(part.items()))",
    "print(json.dumps({'parts': parts, 'config': handler.cloud_buf}))",
  ].join("\n");
