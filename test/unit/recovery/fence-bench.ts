// The bench of the fencing and unfencing tests: a simulator, the real client and the fake attrd, set up once per file.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { OpenStackConnection } from "../../../src/openstack/connect.js";
import type { ComputeService } from "../../../src/openstack/types.js";
import { useFakeAttrd, type FakeAttrd } from "../../fakes/fake-attrd.js";
import { connect, startFastSimulator, type Simulator } from "./sim-harness.js";

/** What the tests of one file share; the fields are set once beforeAll ran. */
export interface FenceBench {
  sim: Simulator;
  openstack: OpenStackConnection;
  attrd: FakeAttrd;
  /** The nova-compute service of a host, as the client reads it. */
  service(host: string): Promise<ComputeService>;
}

/** Registers the hooks: start once, a fresh cloud (2 hosts, 1 server each) and fresh attrd before each test. */
export function useFenceBench(): FenceBench {
  const bench = {
    async service(host: string): Promise<ComputeService> {
      const [found] = await bench.openstack.compute.listServices({ host });
      if (!found) throw new Error(`no service on ${host}`);
      return found;
    },
  } as FenceBench;
  beforeAll(async () => {
    bench.attrd = useFakeAttrd();
    bench.sim = await startFastSimulator();
    bench.openstack = await connect(bench.sim);
  });
  afterAll(async () => {
    bench.openstack.close();
    await bench.sim.stop();
    bench.attrd.remove();
  });
  beforeEach(() => {
    bench.sim.cloud.seed({ hosts: 2, serversPerHost: 1 });
    bench.attrd.reset();
  });
  return bench;
}
