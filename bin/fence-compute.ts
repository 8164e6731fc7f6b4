// fence_compute: flags a failed compute host in Nova and attrd so its instances get evacuated.
import { fenceCompute } from "../src/agents/fence-compute.js";
import { mainFenceAgent } from "../src/kit/main.js";

void mainFenceAgent(fenceCompute);
