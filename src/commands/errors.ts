// An error a command reports as "bake: message" with exit status 1 (program.ts
// maps any error with an E[A-Z]+ code that way).
export class CommandError extends Error {
  readonly code = "EBAKE";
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}
