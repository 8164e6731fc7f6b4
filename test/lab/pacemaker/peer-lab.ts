// The peers inside the cloud lab: the shell NovaEvacuate double as ocf:peers:NovaEvacuate, and the Python fence_compute
// of the lab's Debian release (fence-agents 4.12 on Debian 12, 4.16 on Debian 13; both call inspect.getargspec, gone
// since Python 3.11, so both run unmodified with the benchmark's shim) as the fence agent fence_compute_peer.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudLab } from "./cloud-lab.js";
import { writeOwner } from "./lab-ownership.js";
import { REPO_ROOT } from "../lab-bundles.js";

/** Where the double is installed: provider "peers", so it sits beside ours (ocf:openstack:NovaEvacuate). */
export const PEER_NOVA_EVACUATE = "/usr/lib/ocf/resource.d/peers/NovaEvacuate";
/** The fence agent name under which pacemaker-fenced finds the Python fence_compute. */
export const PEER_FENCE_COMPUTE = "fence_compute_peer";
/** Debian's fence-agents, extracted (never installed: its /usr/sbin/fence_compute would meet ours). */
const PEER_ROOT = "/var/cache/nova-ha-peers/root";
/** The Python modules the peer needs beyond the package (Debian only Suggests the OpenStack ones). */
const PYTHON_MODULES = ["pexpect", "requests", "keystoneauth1", "keystoneclient", "novaclient"];

/** Records a file the lab installed, so that teardown removes it. */
function installed(lab: CloudLab, path: string): void {
  lab.record.installed.push(path);
  writeOwner(lab.record);
}

/** Installs the shell NovaEvacuate double as ocf:peers:NovaEvacuate. */
export function installNovaEvacuateDouble(lab: CloudLab): void {
  mkdirSync("/usr/lib/ocf/resource.d/peers", { recursive: true });
  copyFileSync(join(REPO_ROOT, "test/peers/NovaEvacuate"), PEER_NOVA_EVACUATE);
  chmodSync(PEER_NOVA_EVACUATE, 0o755);
  installed(lab, PEER_NOVA_EVACUATE);
}

/**
 * The packages holding the Python fence_compute and its fencing library: one on Debian 12 (fence-agents), two on
 * Debian 13, where fence-agents is a metapackage (fence-agents-compute, fence-agents-common).
 */
function peerPackages(): string[] {
  try {
    execFileSync("apt-cache", ["show", "--no-all-versions", "fence-agents-compute"], { stdio: "ignore" });
    return ["fence-agents-compute", "fence-agents-common"];
  } catch {
    return ["fence-agents"];
  }
}

/** Fetches and extracts Debian's fence agents once (apt-get download, dpkg-deb -x); a missing Python module is a one-line error. */
function peerRoot(): string {
  const agent = join(PEER_ROOT, "usr/sbin/fence_compute");
  if (!existsSync(agent)) {
    const cache = join(PEER_ROOT, "..");
    mkdirSync(cache, { recursive: true });
    for (const name of peerPackages()) {
      const debOf = (): string | undefined => readdirSync(cache).find((file) => file.startsWith(`${name}_`) && file.endsWith(".deb"));
      if (!debOf()) execFileSync("apt-get", ["download", name], { cwd: cache, stdio: ["ignore", "ignore", "pipe"] });
      const deb = debOf();
      if (!deb) throw new Error(`apt-get download ${name} produced no .deb`);
      execFileSync("dpkg-deb", ["-x", join(cache, deb), PEER_ROOT]);
    }
    if (!existsSync(agent)) throw new Error(`no usr/sbin/fence_compute in ${PEER_ROOT} after extracting ${peerPackages().join(", ")}`);
  }
  for (const module of PYTHON_MODULES) {
    try {
      execFileSync("/usr/bin/python3", ["-c", `import ${module}`], { stdio: "ignore" });
    } catch {
      throw new Error(`the peer fence_compute needs the Python module ${module}: apt-get install python3-${module}`);
    }
  }
  return PEER_ROOT;
}

/** Installs /usr/sbin/fence_compute_peer: Debian's fence_compute, unmodified, under /usr/bin/python3 with the getargspec shim. */
export function installPeerFenceCompute(lab: CloudLab): void {
  const root = peerRoot();
  const path = `/usr/sbin/${PEER_FENCE_COMPUTE}`;
  const pythonPath = `${join(REPO_ROOT, "bench/peer-shim")}:${join(root, "usr/share/fence")}`;
  writeFileSync(path, `#!/bin/sh\n# Debian's fence_compute (fence-agents of the lab's release) for the cloud lab's mixed tests; removed at teardown.\nPYTHONPATH=${pythonPath} exec /usr/bin/python3 -tt ${join(root, "usr/sbin/fence_compute")} "$@"\n`, { mode: 0o755 });
  installed(lab, path);
}
