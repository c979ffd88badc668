// Which rendered files and provisioning steps each spec key affects, found
// from the plan itself rather than a hand-kept table:
// - files: every PlannedFile whose `from` names the key (or a parent/child of it);
// - steps (and files the `from` lists miss): change the key to another valid
//   value, plan again, and see which step ids and files come out different.
import { CRICTL_SHA256 } from "../capabilities/crictl/releases.js";
import { plan as planOf } from "../plan/index.js";
import type { Plan } from "../plan/index.js";
import { defaultSpec, mergeOver } from "../input/defaults.js";
import type { Distro, NodeSpec } from "../schema/node-spec.js";
import { formats } from "../schema/formats.js";
import { specKeys, type KeyInfo } from "../schema/keys.js";
import { getIn, setIn } from "../schema/key-path.js";

type Schema = Record<string, unknown>;

interface KeyEffects {
  /** Absolute paths on the node; a registry host shows as <host>. */
  files: string[];
  /** Step ids of the provisioning script, in plan order. */
  steps: string[];
  /**
   * Files whose content a change of the key alters although no `from` names the key
   * (a gap in the plan's bookkeeping; a file the change adds or removes is not one).
   */
  undeclared: string[];
}

/** A concrete stand-in for each placeholder segment while probing. */
const PROBE_HOST = "probe.example";
const PROBE_MIRROR = "https://mirror.probe.example";

/** Valid example values per string format, to change a key to: each format's own, and crictl's releases. */
const SAMPLES: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.entries(formats).map(([name, format]) => [name, format.samples])),
  "crictl-version": Object.keys(CRICTL_SHA256),
};

/** The spec probed around: the defaults plus a registry with a mirror, a proxy and the kubernetes section, so their files exist. */
function probeBase(distro: Distro): NodeSpec {
  return mergeOver(defaultSpec(distro), {
    kubernetes: { enabled: true },
    containerd: {
      proxy: { http: "http://proxy.probe.example:3128" },
      registries: {
        [PROBE_HOST]: {
          server: "",
          mirrors: [{ url: PROBE_MIRROR, capabilities: ["pull", "resolve"], skipVerify: false, overridePath: false }],
        },
      },
    },
  });
}

/** One valid-looking value of a schema node. */
function sampleValue(schema: Schema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.anyOf)) return sampleValue((schema.anyOf as Schema[])[0]!);
  switch (schema.type) {
    case "boolean":
      return true;
    case "integer":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "string":
      return SAMPLES[String(schema.format)]?.[0] ?? "probe";
    case "array":
      return [sampleValue(schema.items as Schema)];
    case "object":
      if (schema.properties) {
        return Object.fromEntries(
          Object.entries(schema.properties as Record<string, Schema>).map(([k, v]) => [k, sampleValue(v)]),
        );
      }
      return {};
    default:
      return undefined;
  }
}

/** Other valid values for a key currently holding `current`. */
function alternatives(schema: Schema, current: unknown): unknown[] {
  const out: unknown[] = [];
  if (Array.isArray(schema.enum)) out.push(...(schema.enum as unknown[]));
  else if ("const" in schema) out.push(schema.const);
  else if (Array.isArray(schema.anyOf))
    for (const branch of schema.anyOf as Schema[]) out.push(...alternatives(branch, current));
  else if (schema.type === "boolean") out.push(current !== true);
  else if (schema.type === "integer") {
    const { minimum = -Infinity, maximum = Infinity } = schema as { minimum?: number; maximum?: number };
    const base = typeof current === "number" ? current : Math.max(minimum, 1);
    out.push(base + 1 <= maximum ? base + 1 : base - 1);
  } else if (schema.type === "string") out.push(...(SAMPLES[String(schema.format)] ?? ["probe"]));
  else if (schema.type === "array") {
    const list = Array.isArray(current) ? current : [];
    if (list.length > 0) out.push(list.slice(1));
    out.push([...list, sampleValue(schema.items as Schema)]);
  } else if (schema.type === "object" && !schema.properties) {
    const map = (current ?? {}) as Record<string, unknown>;
    const keyFormat = String((schema.propertyNames as Schema | undefined)?.format ?? "");
    const newKey = SAMPLES[keyFormat]?.[0] ?? "probe";
    out.push({ ...map, [newKey]: sampleValue(schema.additionalProperties as Schema) });
    const first = Object.keys(map)[0];
    if (first !== undefined) out.push(Object.fromEntries(Object.entries(map).filter(([k]) => k !== first)));
  }
  const seen = new Set([JSON.stringify(current)]);
  return out.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The concrete path a catalog key is probed at. */
function concretePath(key: KeyInfo, base: NodeSpec): (string | number)[] {
  const path: (string | number)[] = [];
  for (const segment of key.segments) {
    if (segment === "[]") path.push(0);
    else if (segment === "<host>") path.push(PROBE_HOST);
    else if (segment.startsWith("<")) {
      const map = getIn(base, path);
      path.push(Object.keys((map ?? {}) as object)[0] ?? (segment === "<name>" ? "X-Probe" : "probe"));
    } else path.push(segment);
  }
  return path;
}

/** A copy of the spec with one key changed (undefined: removed). */
function withValue(spec: NodeSpec, path: readonly (string | number)[], value: unknown): NodeSpec {
  const copy = structuredClone(spec) as unknown as Record<string, unknown>;
  setIn(copy, path, value);
  return copy as unknown as NodeSpec;
}

interface Snapshot {
  files: Map<string, string>;
  steps: Map<string, string>;
  plan: Plan;
}

function snapshot(spec: NodeSpec): Snapshot | undefined {
  try {
    const plan = planOf(spec);
    return {
      plan,
      files: new Map(plan.files.map((f) => [f.path, `${f.mode}\n${f.content}`])),
      steps: new Map(plan.steps.map((s) => [s.id, `${s.title}\n${s.run.text}`])),
    };
  } catch {
    return undefined; // a combination the plan rejects tells nothing
  }
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k));
}

const placeholderPath = (path: string) => path.split(`/${PROBE_HOST}/`).join("/<host>/");
/** A file that exists only because a key was set to a probe value (a moved configPath, an added host). */
const probeOnly = (path: string) => placeholderPath(path).includes("probe");
const placeholderKey = (key: string) => key.split(`.${PROBE_HOST}`).join(".<host>");

/** Whether a `from` entry and a catalog key are the same key, or one holds the other. */
function related(from: string, key: string): boolean {
  const f = placeholderKey(from);
  return (
    f === key ||
    f.startsWith(`${key}.`) ||
    f.startsWith(`${key}[`) ||
    key.startsWith(`${f}.`) ||
    key.startsWith(`${f}[`)
  );
}

const cache = new Map<Distro, Map<string, KeyEffects>>();

/** Effects of every catalog key for a distro. */
export function keyEffects(distro: Distro): Map<string, KeyEffects> {
  const cached = cache.get(distro);
  if (cached) return cached;
  const base = probeBase(distro);
  const baseSnap = snapshot(base);
  if (!baseSnap) throw new Error(`internal error: the ${distro} probe spec does not plan`);
  const plans: Plan[] = [baseSnap.plan, planOf(defaultSpec(distro))];
  const observed = new Map<string, { files: Set<string>; steps: Set<string>; altered: Set<string> }>();
  const keys = specKeys();

  for (const key of keys) {
    const seen = { files: new Set<string>(), steps: new Set<string>(), altered: new Set<string>() };
    observed.set(key.path, seen);
    if (key.section) continue; // a section changes through its keys
    const path = concretePath(key, base);
    for (const value of alternatives(key.schema, getIn(base, path))) {
      const snap = snapshot(withValue(base, path, value));
      if (!snap) continue;
      plans.push(snap.plan);
      for (const file of changed(baseSnap.files, snap.files)) {
        if (probeOnly(file)) continue;
        seen.files.add(placeholderPath(file));
        if (baseSnap.files.has(file) && snap.files.has(file)) seen.altered.add(placeholderPath(file));
      }
      for (const step of changed(baseSnap.steps, snap.steps)) seen.steps.add(step);
    }
  }

  // Sections collect what their keys affect.
  for (const key of keys) {
    if (!key.section) continue;
    const seen = observed.get(key.path)!;
    for (const child of keys) {
      if (child.path.startsWith(`${key.path}.`) || child.path.startsWith(`${key.path}[`)) {
        const c = observed.get(child.path)!;
        for (const f of c.files) seen.files.add(f);
        for (const s of c.steps) seen.steps.add(s);
      }
    }
  }

  // Files and steps listed in the order a node gets them.
  const stepOrder = new Map<string, number>();
  for (const plan of plans) {
    for (const [i, s] of plan.steps.entries())
      if (!stepOrder.has(s.id)) stepOrder.set(s.id, s.id === "verify" ? 1e6 : i);
  }
  const fileOrder = new Map<string, number>();
  for (const plan of plans)
    for (const f of plan.files)
      if (!fileOrder.has(placeholderPath(f.path))) fileOrder.set(placeholderPath(f.path), fileOrder.size);

  const result = new Map<string, KeyEffects>();
  for (const key of keys) {
    const declared = new Set<string>();
    for (const plan of plans) {
      for (const file of plan.files)
        if (!probeOnly(file.path) && file.from.some((f) => related(f, key.path)))
          declared.add(placeholderPath(file.path));
    }
    const seen = observed.get(key.path)!;
    const files = [...new Set([...declared, ...seen.files])].sort(
      (a, b) => (fileOrder.get(a) ?? 1e9) - (fileOrder.get(b) ?? 1e9),
    );
    result.set(key.path, {
      files,
      steps: [...seen.steps].sort((a, b) => (stepOrder.get(a) ?? 1e9) - (stepOrder.get(b) ?? 1e9)),
      undeclared: [...seen.altered].filter((f) => !declared.has(f)),
    });
  }
  cache.set(distro, result);
  return result;
}
