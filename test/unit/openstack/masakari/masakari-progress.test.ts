import { describe, expect, it } from "vitest";
import { countProgress } from "../../../../src/openstack/masakari/masakari-progress.js";

describe("countProgress", () => {
  it("counts the instances of Masakari's success and failure messages", () => {
    expect(countProgress([
      "Start evacuation of instances from failed host 'compute-2', instance uuids are: 'a,b,c'",
      "Evacuation of instance started: 'a'",
      "Successfully evacuate instances 'a,b' from host 'compute-2'",
      "Failed to evacuate instances 'c' from host 'compute-2'",
    ])).toEqual({ recovered: ["a", "b"], failed: ["c"] });
  });

  it("counts an instance a later attempt recovered as recovered only", () => {
    expect(countProgress([
      "Failed to evacuate instances 'a,b' from host 'compute-2'",
      "Successfully evacuate instances 'a' from host 'compute-2'",
    ])).toEqual({ recovered: ["a"], failed: ["b"] });
  });

  it("counts nothing from messages that name no outcome", () => {
    expect(countProgress(["Evacuation process completed!"])).toEqual({ recovered: [], failed: [] });
  });
});
