// The catalog of spec keys, walked from the one schema: path, meaning, type and
// default (defaultOf in input/defaults.ts). `bake explain`, `bake init` and
// docs/reference.md all read it.
import { describeType } from "./describe.js";
import { schemaDocument } from "./document.js";
import { displayPath } from "./key-path.js";

type Schema = Record<string, unknown>;

/** One segment of a key path: a name, "<host>"/"<key>" for any map key, "[]" for any list item. */
type Segment = string;

export interface KeyInfo {
  /** Display path, e.g. containerd.registries.<host>.mirrors[].url */
  path: string;
  segments: Segment[];
  description: string;
  /** Human-readable type, e.g. "integer from -1000 to 1000". */
  type: string;
  schema: Schema;
  /** An object with named keys (has children in the catalog). */
  section: boolean;
  /** Under a map key or a list item: it has no single default. */
  pattern: boolean;
}

/** What a map's keys are called in paths, by the format of its keys. */
const MAP_KEY_NAME: Record<string, string> = { "registry-host": "<host>", "sysctl-key": "<key>" };

let catalog: KeyInfo[] | undefined;

/** Every key of the spec, parents before children, in schema order. */
export function specKeys(): KeyInfo[] {
  if (catalog) return catalog;
  const out: KeyInfo[] = [];
  const visit = (schema: Schema, segments: Segment[], pattern: boolean) => {
    const properties = schema.properties as Record<string, Schema> | undefined;
    if (segments.length > 0) {
      out.push({
        path: displayPath(segments),
        segments,
        description: String(schema.description ?? ""),
        type: describeType(schema),
        schema,
        section: !!properties,
        pattern,
      });
    }
    if (properties) {
      for (const [name, child] of Object.entries(properties)) visit(child, [...segments, name], pattern);
      return;
    }
    if (schema.type === "object" && typeof schema.additionalProperties === "object") {
      const keyFormat = String((schema.propertyNames as Schema | undefined)?.format ?? "");
      visit(schema.additionalProperties as Schema, [...segments, MAP_KEY_NAME[keyFormat] ?? "<name>"], true);
      return;
    }
    if (schema.type === "array") {
      const items = schema.items as Schema;
      // A list of strings-or-objects (mirrors): the object form's keys are keys too.
      const objectForm = Array.isArray(items.anyOf)
        ? (items.anyOf as Schema[]).find((s) => s.properties)
        : items.properties
          ? items
          : undefined;
      if (objectForm)
        for (const [name, child] of Object.entries(objectForm.properties as Record<string, Schema>))
          visit(child, [...segments, "[]", name], true);
    }
  };
  visit(schemaDocument(), [], false);
  catalog = out;
  return out;
}

/**
 * Find the catalog key for a path as a user writes it:
 * containerd.registries.docker.io.mirrors, containerd.registries.docker.io.mirrors[0].url,
 * kernel.sysctl.net.ipv4.ip_forward.
 */
export function findKey(path: string): KeyInfo | undefined {
  const wanted = path
    .trim()
    .replace(/\[\d*\]/g, ".[]")
    .replace(/\.(\d+)(?=\.|$)/g, ".[]")
    .replace(/^\./, "");
  const keys = specKeys();
  const exact = keys.find((k) => k.path === wanted || k.path.replace(/\[\]/g, ".[]") === wanted);
  if (exact) return exact;
  // A concrete map key (which may contain dots) in place of <host>/<key>.
  let best: KeyInfo | undefined;
  for (const key of keys) {
    const at = key.segments.findIndex((s) => s.startsWith("<"));
    if (at < 0) continue;
    const prefix = key.segments.slice(0, at).join(".") + ".";
    const suffix = key.segments.slice(at + 1);
    if (!wanted.startsWith(prefix)) continue;
    const rest = wanted.slice(prefix.length);
    const suffixText = suffix.length ? "." + displayPath(suffix).replace(/\[\]/g, ".[]") : "";
    const mapKey = suffixText ? (rest.endsWith(suffixText) ? rest.slice(0, -suffixText.length) : undefined) : rest;
    if (mapKey && !mapKey.includes("[]") && (!best || key.segments.length > best.segments.length)) best = key;
  }
  return best;
}
