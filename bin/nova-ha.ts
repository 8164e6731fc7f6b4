// nova-ha: the operator's view of instance HA: which hosts are flagged, and where their recovery stands.
import { runCli } from "../src/cli/nova-ha.js";

await runCli(process.argv.slice(2));
