// --set key.path=value over a loaded spec (Helm-style; the value is parsed as YAML),
// each value located at its --set for diagnostics.
import { SpecError, type Diagnostic, type SourcePosition } from "../report.js";
import { inputSchemaJson, type JsonSchema } from "../schema/shipped.js";
import { displayPath, joinedPrefix, joinKey, setIn, splitKey } from "../schema/key-path.js";
import { position, type LoadedSpec } from "./loaded-spec.js";
import { yaml } from "./yaml-spec.js";

const isMapping = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

export function applySets(base: LoadedSpec, sets: string[]): LoadedSpec {
  if (sets.length === 0) return base;
  const data = structuredClone(base.data);
  const origins = new Map<string, SourcePosition>();
  const diagnostics: Diagnostic[] = [];
  for (const assignment of sets) {
    const eq = assignment.indexOf("=");
    const origin = position("--set", assignment, 1, 1, eq > 0 ? eq : assignment.length);
    if (eq <= 0) {
      diagnostics.push({
        severity: "error",
        path: "",
        message: `--set ${JSON.stringify(assignment)} must look like key.path=value`,
        position: origin,
      });
      continue;
    }
    const text = assignment.slice(eq + 1);
    let value: unknown;
    let path: string[] = assignment.slice(0, eq).split(".");
    try {
      value = yaml().parse(text, { version: "1.2", uniqueKeys: true });
      const resolved = resolveSetPath(assignment.slice(0, eq), isMapping(value));
      path = resolved.path;
      const schema = resolved.schema;
      // A string key keeps the text as typed: --set containerd.version=1.7 means "1.7".
      if (schema?.type === "string" && (typeof value === "number" || typeof value === "boolean")) value = text;
    } catch (error) {
      diagnostics.push({
        severity: "error",
        path: displayPath(path),
        message: `--set value is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
        position: { ...origin, column: eq + 2, length: assignment.length - eq - 1 },
      });
      continue;
    }
    const problem = setIn(data, path, value ?? "");
    if (problem) diagnostics.push({ severity: "error", path: displayPath(path), message: problem, position: origin });
    origins.set(joinKey(path), { ...origin, column: eq + 2, length: Math.max(1, assignment.length - eq - 1) });
  }
  if (diagnostics.length > 0) throw new SpecError(diagnostics);
  return {
    data,
    locate: (path, target) => {
      for (let n = path.length; n > 0; n--) {
        const origin = origins.get(joinKey(path.slice(0, n)));
        if (origin) return origin;
      }
      // An error about a parent of what --set wrote (containerd.root after --set containerd.root.x=1).
      const prefix = joinedPrefix(path);
      for (const [key, origin] of origins) if (key.startsWith(prefix)) return origin;
      // An error about a key beside one --set wrote (crictl.sha256 after --set
      // crictl.version=...): the --set is the nearer cause unless the file holds more of the path.
      const fileDepth = base.depth?.(path) ?? 0;
      let nearest: { origin: SourcePosition; shared: number } | undefined;
      for (const [key, origin] of origins) {
        const shared = sharedPrefix(splitKey(key).map(String), path.map(String));
        if (shared > 0 && shared >= fileDepth && (!nearest || shared > nearest.shared)) nearest = { origin, shared };
      }
      return nearest?.origin ?? base.locate(path, target);
    },
    depth: (path) => base.depth?.(path) ?? 0,
  };
}

function sharedPrefix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Split a --set key on dots. Map keys that hold dots (sysctl names, registry
 * hosts) need no escaping: inside a map, the schema says where the key ends.
 * "\." still forces a literal dot. Returns the path and the schema it ends at.
 */
function resolveSetPath(key: string, valueIsMapping: boolean): { path: string[]; schema: JsonSchema | undefined } {
  const raw = key.split(/(?<!\\)\./).map((s) => s.replace(/\\\./g, "."));
  const path: string[] = [];
  let schema: JsonSchema | undefined = inputSchemaJson();
  let i = 0;
  while (i < raw.length) {
    const props = schema?.properties as Record<string, JsonSchema> | undefined;
    const mapValue =
      typeof schema?.additionalProperties === "object" ? (schema.additionalProperties as JsonSchema) : undefined;
    if (props && raw[i]! in props) {
      path.push(raw[i]!);
      schema = props[raw[i]!];
      i++;
    } else if (mapValue) {
      const valueSchema = mapValue;
      const valueProps = (valueSchema?.properties ?? {}) as Record<string, JsonSchema>;
      // The map key runs until the next segment that names a property of the value.
      let end = i + 1;
      while (end < raw.length && !(raw[end]! in valueProps)) end++;
      if (Object.keys(valueProps).length === 0) end = raw.length;
      // docker.io.mirorrs=[...]: a list or scalar cannot be a whole registry, so the
      // last segment is a (misspelt) property, which validation then names.
      else if (end === raw.length && end - i >= 2 && !valueIsMapping) end--;
      path.push(raw.slice(i, end).join("."));
      schema = valueSchema;
      i = end;
    } else {
      path.push(...raw.slice(i));
      return { path, schema: undefined };
    }
  }
  return { path, schema };
}
