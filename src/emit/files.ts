// The review tree of `bake render`: user-data, provision.sh and files/<abs path>.
import type { Plan } from "../plan/index.js";
import { renderCloudInit } from "./cloud-init.js";
import { renderPackerScript } from "./packer.js";

export interface RenderedFile {
  /** Relative to the output folder. */
  path: string;
  content: string;
  mode: string;
}

export function renderFiles(plan: Plan): RenderedFile[] {
  return [
    { path: "user-data", content: renderCloudInit(plan), mode: "0644" },
    { path: "provision.sh", content: renderPackerScript(plan), mode: "0755" },
    ...plan.files.map((f) => ({ path: `files${f.path}`, content: f.content, mode: f.mode })),
  ];
}
