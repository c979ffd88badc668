// bake's library API: the CLI (src/program.ts) is a thin layer over these functions.
export { loadSpec, type LoadOptions } from "./input/load.js";
export type { LoadedSpec } from "./input/loaded-spec.js";
export { validateSpec, type ValidateOptions, type ValidationResult } from "./input/validate.js";
// plan(spec) plans a validated spec; planSpec loads, validates and plans, as the CLI does.
export { plan, type Plan } from "./plan/index.js";
export { planSpec, type PlannedSpec } from "./plan-spec.js";
export { renderCloudInit, type CloudInitOptions } from "./emit/cloud-init.js";
export { renderPackerScript } from "./emit/packer.js";
export { renderFiles, type RenderedFile } from "./emit/files.js";
export { renderUserData, type UserData, type UserDataOptions } from "./emit/user-data.js";
// --merge and --mime: composer(plan, { files, mime }) is renderUserData's compose option.
export { composer, type ComposeRequest } from "./compose/index.js";
export {
  checkUserDataSize,
  gzip,
  takesGzipPayload,
  CLOUDS,
  CLOUD_LIMITS,
  type Cloud,
  type SizeCheck,
} from "./emit/size.js";
export { SpecError, formatDiagnostics, type Diagnostic, type SourcePosition } from "./report.js";
export { NodeSpecSchema, inputSchema, type NodeSpec, type SpecInput } from "./schema/node-spec.js";
