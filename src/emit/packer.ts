// One self-contained bash script for Packer's shell provisioner.
import type { Plan } from "../plan/index.js";
import { renderProvisionScript } from "./provision-script.js";

export function renderPackerScript(plan: Plan): string {
  return renderProvisionScript(plan, true);
}
