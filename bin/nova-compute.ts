// NovaCompute: the OCF resource that starts nova-compute only once its host's evacuation is finished.
import { novaCompute } from "../src/agents/nova-compute.js";
import { mainResourceAgent } from "../src/kit/main.js";

void mainResourceAgent(novaCompute);
