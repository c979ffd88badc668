// A STAND-IN for the pipe on a CLI's stdin, for the CLI run in-process (runCliAsync in
// test/helpers.ts): the vitest worker's own stdin is a pipe that never closes, which bake
// would wait on. Loaded as a setup file (vitest.config.ts), so the mock covers every test
// file; pipedStdin then returns what runCliAsync was given, as a pipe that sent it and
// closed (nothing: an empty pipe, as a child started without input sees).
import { vi } from "vitest";

let stdin = "";

export function setInProcessStdin(text: string): void {
  stdin = text;
}

vi.mock("../../src/input/piped-stdin.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/input/piped-stdin.js")>()),
  pipedStdin: async () => ({ kind: "read", bytes: Buffer.from(stdin) }),
}));
