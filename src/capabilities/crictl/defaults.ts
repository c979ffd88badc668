// The crictl section's defaults: the release tarball, talking to containerd's socket.
import type { NodeSpec } from "../../schema/node-spec.js";
import { DEFAULT_CRICTL_VERSION } from "./releases.js";

export function crictlDefaults(): NodeSpec["crictl"] {
  return {
    install: "release",
    version: DEFAULT_CRICTL_VERSION,
    url: "",
    sha256: "",
    runtimeEndpoint: "unix:///run/containerd/containerd.sock",
    imageEndpoint: "unix:///run/containerd/containerd.sock",
    timeout: 10,
    debug: false,
  };
}
