// formats.ts in the shape ajv wants: the generated validator
// (src/schema/generated/validate-input.ts) looks formats up here by name.
import { formats } from "./formats.js";

export const ajvFormats: Record<string, { type: "string"; validate: (value: string) => boolean }> = Object.fromEntries(
  Object.entries(formats).map(([name, format]) => [name, { type: "string", validate: format.test }]),
);
