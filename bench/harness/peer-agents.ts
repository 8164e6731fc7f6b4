// Finds Debian's own fence_compute / fence_evacuate, verified against dpkg's checksums (extracted from the .deb if /usr/sbin holds something else).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FenceAgent } from "./agents.js";

/** The peers' paths, and where they came from. */
export interface PeerAgents {
  paths: Record<FenceAgent, string>;
  /** "installed" (/usr/sbin matches the package) or the .deb they were extracted from. */
  source: string;
}

const PACKAGE = "fence-agents";
const MD5SUMS = `/var/lib/dpkg/info/${PACKAGE}.md5sums`;
const APT_CACHE = "/var/cache/apt/archives";
const AGENTS: readonly FenceAgent[] = ["fence_compute", "fence_evacuate"];

function md5(path: string): string {
  return createHash("md5").update(readFileSync(path)).digest("hex");
}

/** dpkg's recorded md5 of each file of the package, by path without the leading slash. */
export function packageSums(text: string): Map<string, string> {
  return new Map(text.split("\n").filter(Boolean).map((line) => {
    const [sum, ...path] = line.trim().split(/\s+/);
    return [path.join(" "), sum ?? ""];
  }));
}

function matches(path: string, sum: string | undefined): boolean {
  return sum !== undefined && existsSync(path) && md5(path) === sum;
}

function findDeb(scratch: string, version: string): string {
  const name = (file: string): boolean => file.startsWith(`${PACKAGE}_${version.replace(/^\d+:/, "")}_`) && file.endsWith(".deb");
  const cached = existsSync(APT_CACHE) ? readdirSync(APT_CACHE).find(name) : undefined;
  if (cached) return join(APT_CACHE, cached);
  execFileSync("apt-get", ["download", `${PACKAGE}=${version}`], { cwd: scratch, stdio: ["ignore", "ignore", "pipe"] });
  const downloaded = readdirSync(scratch).find(name);
  if (!downloaded) throw new Error(`apt-get download ${PACKAGE}=${version} produced no .deb`);
  return join(scratch, downloaded);
}

/**
 * The unmodified Debian agents: /usr/sbin's copies when they match dpkg's checksums; otherwise (e.g. our own agents were
 * installed over them) the copies inside the installed version's .deb, extracted into `scratch` and checked the same way.
 */
export function resolvePeerAgents(scratch: string): PeerAgents {
  if (!existsSync(MD5SUMS)) throw new Error(`${PACKAGE} is not installed (no ${MD5SUMS})`);
  const sums = packageSums(readFileSync(MD5SUMS, "utf8"));
  if (!matches("/usr/share/fence/fencing.py", sums.get("usr/share/fence/fencing.py"))) throw new Error("/usr/share/fence/fencing.py differs from the package");
  const installed = Object.fromEntries(AGENTS.map((a) => [a, `/usr/sbin/${a}`])) as Record<FenceAgent, string>;
  if (AGENTS.every((a) => matches(installed[a], sums.get(`usr/sbin/${a}`)))) return { paths: installed, source: "installed" };
  const version = execFileSync("dpkg-query", ["-W", "-f", "${Version}", PACKAGE], { encoding: "utf8" }).trim();
  mkdirSync(scratch, { recursive: true });
  const deb = findDeb(scratch, version);
  execFileSync("dpkg-deb", ["-x", deb, scratch]);
  const extracted = Object.fromEntries(AGENTS.map((a) => [a, join(scratch, "usr", "sbin", a)])) as Record<FenceAgent, string>;
  for (const a of AGENTS) if (!matches(extracted[a], sums.get(`usr/sbin/${a}`))) throw new Error(`${a} in ${deb} does not match dpkg's checksum`);
  return { paths: extracted, source: deb };
}
