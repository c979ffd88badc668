// Handlebars with no HTML escaping and no way to print a raw value: every
// {{...}} must call one of the escaping helpers in helpers.ts, and strict mode
// turns a missing variable into an error. Both are settled at build time:
// scripts/gen-templates.ts checks each templates/*.hbs (scripts/template-check.ts) and
// precompiles it, so run time needs only the small Handlebars runtime.
import HandlebarsRuntime from "handlebars/runtime.js";
import { helpers } from "./helpers.js";
import { templates } from "./generated/templates.js";

export { base64Heredoc, fitsHeredoc, heredoc } from "./helpers.js";

// runtime.d.ts declares nothing; the runtime's API is the full package's, less the compiler.
const hb = (HandlebarsRuntime as unknown as typeof import("handlebars")).create();
for (const [name, fn] of Object.entries(helpers)) {
  // Handlebars passes its options object last; helpers take only their arguments.
  // (Helpers take one or two arguments: those cases avoid a rest array and a slice per call.)
  hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
    const n = args.length - 1;
    return n === 1 ? fn(args[0]) : n === 2 ? fn(args[0], args[1]) : fn(...args.slice(0, n));
  });
}

const cache = new Map<string, HandlebarsTemplateDelegate>();

export function renderTemplate(name: string, data: object): string {
  let template = cache.get(name);
  if (!template) {
    const spec = templates[name];
    if (!spec) throw new Error(`no template ${name} (templates/*.hbs are precompiled by npm run build)`);
    template = hb.template(spec as TemplateSpecification);
    cache.set(name, template);
  }
  return template(data);
}
