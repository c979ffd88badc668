// The TypeBox helpers every spec section is written with (src/capabilities/*/spec.ts),
// composed into the one schema by node-spec.ts.
import { Type, type Static, type TSchema } from "@sinclair/typebox";

export const str = (format: string, description: string) => Type.String({ format, description });
// A string enum as JSON Schema "enum", which gives one clear error instead of an anyOf of consts.
export const oneOf = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], description });
export const obj = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, description });

// A map whose keys have a format (sysctl names, registry hosts).
export const mapOf = <V extends TSchema>(keyFormat: string, value: V, description: string) =>
  Type.Unsafe<Record<string, Static<V>>>({
    type: "object",
    propertyNames: { type: "string", format: keyFormat },
    additionalProperties: value,
    description,
  });
