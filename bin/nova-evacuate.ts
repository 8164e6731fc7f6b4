// NovaEvacuate: the OCF resource whose monitor recovers the instances of fenced compute hosts.
import { novaEvacuate } from "../src/agents/nova-evacuate.js";
import { mainResourceAgent } from "../src/kit/main.js";

void mainResourceAgent(novaEvacuate);
