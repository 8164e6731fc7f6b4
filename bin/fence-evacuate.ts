// fence_evacuate: evacuates every (evacuable) instance off a fenced compute host.
import { fenceEvacuate } from "../src/agents/fence-evacuate.js";
import { mainFenceAgent } from "../src/kit/main.js";

void mainFenceAgent(fenceEvacuate);
