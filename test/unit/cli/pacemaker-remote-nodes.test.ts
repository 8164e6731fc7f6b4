import { describe, expect, it } from "vitest";
import { remoteNodesFromXml } from "../../../src/cli/pacemaker-remote-nodes.js";

describe("remoteNodesFromXml", () => {
  it("takes the nodes of type remote from crm_mon's XML, not the cluster nodes", () => {
    const xml = `<pacemaker-result api-version="2.30" request="crm_mon --output-as=xml">
  <nodes>
    <node name="controller-1" id="1" online="true" type="member"/>
    <node name="compute-1" id="compute-1" online="true" type="remote" id_as_resource="compute-1"/>
    <node name="compute-2" id="compute-2" online="false" type="remote"/>
  </nodes>
</pacemaker-result>`;
    expect(remoteNodesFromXml(xml)).toEqual(["compute-1", "compute-2"]);
  });

  it("finds none in output without nodes", () => {
    expect(remoteNodesFromXml("<pacemaker-result/>")).toEqual([]);
  });
});
