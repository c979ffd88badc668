// `bake explain [key]`: each key's meaning, type, default and what it changes
// on the node. The README's configuration reference is generated from the same
// data (scripts/gen-reference.ts), so the docs follow the code.
import { defaultContainerd } from "../capabilities/containerd/facts.js";
import { SYSTEMS } from "../capabilities/distro/systems.js";
import { UNSUPPORTED } from "../capabilities/distro/unsupported.js";
import { distroInfo } from "../capabilities/distro/identity.js";
import { closestMatch } from "../report.js";
import { DEFAULT_DISTRO, defaultOf } from "../input/defaults.js";
import { DISTROS } from "../capabilities/distro/names.js";
import type { Distro } from "../schema/node-spec.js";
import { CommandError } from "./errors.js";
import { keyEffects } from "./key-effects.js";
import { findKey, specKeys, type KeyInfo } from "../schema/keys.js";

export interface KeyExplanation {
  path: string;
  description: string;
  type: string;
  section: boolean;
  /** Default for the chosen distro, as YAML would show it; undefined under a map key or list item. */
  default?: unknown;
  /** Other distros whose default differs, by distro. */
  otherDefaults: Partial<Record<Distro, unknown>>;
  files: string[];
  steps: string[];
  /** For the keys that pick the containerd package: what each distro's defaults install, and why. */
  byDistro?: Partial<Record<Distro, { package: string; why: string }>>;
  /** For the distro key: the systems each distro's output runs on, which its first step checks. */
  systems?: Record<Distro, { name: string; osRelease: string }>;
}

const PACKAGE_KEYS = new Set(["containerd.source", "containerd.version"]);

function explainKey(key: KeyInfo, distro: Distro): KeyExplanation {
  const effects = keyEffects(distro).get(key.path)!;
  // The distro's own default does not depend on the distro.
  const value = key.path === "distro" ? DEFAULT_DISTRO : defaultOf(key, distro);
  const otherDefaults: Partial<Record<Distro, unknown>> = {};
  if (!key.pattern && !key.section && key.path !== "distro") {
    for (const other of DISTROS) {
      const v = defaultOf(key, other);
      if (other !== distro && JSON.stringify(v) !== JSON.stringify(value)) otherDefaults[other] = v;
    }
  }
  return {
    path: key.path,
    description: key.description,
    type: key.type,
    section: key.section,
    default: key.section ? undefined : value,
    otherDefaults,
    files: effects.files,
    steps: effects.steps,
    ...(PACKAGE_KEYS.has(key.path) && {
      byDistro: Object.fromEntries(DISTROS.map((d) => [d, defaultContainerd(distroInfo(d))])),
    }),
    ...(key.path === "distro" && {
      systems: Object.fromEntries(
        DISTROS.map((d) => [d, { name: SYSTEMS[d].name, osRelease: `${SYSTEMS[d].id} ${SYSTEMS[d].version}` }]),
      ) as Record<Distro, { name: string; osRelease: string }>,
    }),
  };
}

/** The key a user named and everything under it; every key when no path is given. */
export function explain(path: string | undefined, distro: Distro): KeyExplanation[] {
  const keys = specKeys();
  if (path === undefined || path === "") return keys.map((k) => explainKey(k, distro));
  const key = findKey(path);
  if (!key) {
    const suggestion =
      closestMatch(
        path,
        keys.filter((k) => !k.pattern).map((k) => k.path),
      ) ??
      closestMatch(
        path.split(".").pop() ?? path,
        keys.map((k) => k.path.split(".").pop()!),
      );
    const full =
      suggestion && !suggestion.includes(".")
        ? keys.find((k) => k.path.endsWith(`.${suggestion}`) || k.path === suggestion)?.path
        : suggestion;
    throw new CommandError(
      `unknown key "${path}"${full ? `; did you mean "${full}"?` : ""} (bake explain lists every key)`,
    );
  }
  return keys
    .filter((k) => k === key || k.path.startsWith(`${key.path}.`) || k.path.startsWith(`${key.path}[`))
    .map((k) => explainKey(k, distro));
}

/** A default as it would be written in YAML: strings plain unless ambiguous. */
export function showValue(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string")
    return value === "" ? '""' : /^[\d.]+$|^(true|false|null|~)$/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value)
    .replace(/,(?=["\w{[])/g, ", ")
    .replace(/":/g, '": ');
}

export function formatExplanations(items: KeyExplanation[], distro: Distro, color: boolean): string {
  const bold = (s: string) => (color ? `\u001b[1m${s}\u001b[0m` : s);
  return (
    items
      .map((item) => {
        const lines = [bold(item.path), `  ${item.description}`];
        if (!item.section) lines.push(`  type:     ${item.type}`);
        if (item.default !== undefined) {
          const others = Object.entries(item.otherDefaults);
          const note = others.length
            ? `   (for ${distro}; ${others.map(([d, v]) => `${d}: ${showValue(v)}`).join(", ")})`
            : "";
          lines.push(`  default:  ${showValue(item.default)}${note}`);
        }
        if (item.byDistro) {
          lines.push(`  why:      ${item.byDistro[distro]!.why}`);
          lines.push("  by distro (what the defaults install):");
          const width = Math.max(...Object.values(item.byDistro).map((d) => d.package.length));
          for (const [d, c] of Object.entries(item.byDistro))
            lines.push(`    ${d.padEnd(11)} ${c.package.padEnd(width)}  ${c.why}`);
        }
        if (item.systems) {
          lines.push(
            "  runs on:  (the first step checks /etc/os-release: ID or an ID_LIKE word, then VERSION_ID, its",
            "            major or VERSION_CODENAME; and uname -m; elsewhere it stops, unless BAKE_ANY_SYSTEM=1)",
          );
          const width = Math.max(...Object.values(item.systems).map((s) => s.osRelease.length));
          for (const [d, s] of Object.entries(item.systems))
            lines.push(`    ${d.padEnd(11)} ${s.osRelease.padEnd(width)}  ${s.name}`);
          lines.push("  not supported:");
          for (const u of UNSUPPORTED) lines.push(`    ${u.name}: ${u.why}`);
        }
        lines.push(`  files:    ${item.files.length ? item.files.join(", ") : "(none)"}`);
        lines.push(`  steps:    ${item.steps.length ? item.steps.join(", ") : "(none)"}`);
        return lines.join("\n");
      })
      .join("\n\n") + "\n"
  );
}
