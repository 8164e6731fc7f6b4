import { describe, expect, it } from "vitest";
import { labSharingOrder } from "../../integration/lab-order.js";

/** A test file of a project, with only what the order reads. */
const file = (project: string, path: string) => ({ project: { name: project }, moduleId: `/repo/test/${path}` });

describe("labSharingOrder", () => {
  it("runs the demo first, peer-mixes last and the other integration files by name between, after every other project's files", () => {
    const files = [
      file("integration", "integration/remote-reconnect.test.ts"), file("unit", "unit/b.test.ts"), file("integration", "integration/peer-mixes.test.ts"),
      file("integration", "integration/demo.test.ts"), file("integration", "integration/node-failure.test.ts"), file("unit", "unit/a.test.ts"),
    ];
    expect(labSharingOrder(files).map((f) => f.moduleId.replace("/repo/test/", ""))).toEqual([
      "unit/b.test.ts", "unit/a.test.ts",
      "integration/demo.test.ts", "integration/node-failure.test.ts", "integration/remote-reconnect.test.ts", "integration/peer-mixes.test.ts",
    ]);
  });
});
