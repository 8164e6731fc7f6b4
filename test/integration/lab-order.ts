// The order of the test files: the integration files run so that those which can share one cloud lab are neighbours.
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Integration files that go first or last, by name: the demo brings up a lab of its own (so it runs before the shared
 * one exists), and peer-mixes needs a third compute node (a lab of its own shape). The others run by name in between.
 */
const PLACE: Readonly<Record<string, number>> = { "demo.test.ts": -1, "peer-mixes.test.ts": 1 };

/** The files in their given order, except the integration files: after the others, rearranged as PLACE says. */
export function labSharingOrder<T extends Pick<TestSpecification, "moduleId"> & { project: { name: string } }>(files: readonly T[]): T[] {
  const integration = (file: T): boolean => file.project.name === "integration";
  const name = (file: T): string => file.moduleId.slice(file.moduleId.lastIndexOf("/") + 1);
  const place = (file: T): number => PLACE[name(file)] ?? 0;
  const shared = files.filter(integration).sort((a, b) => place(a) - place(b) || name(a).localeCompare(name(b)));
  return [...files.filter((file) => !integration(file)), ...shared];
}

/** vitest's order for every project, then labSharingOrder. */
export class LabSharingSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return labSharingOrder(await super.sort(files));
  }
}
