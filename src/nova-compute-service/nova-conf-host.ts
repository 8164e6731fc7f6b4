// Which Nova host name this compute node registers under: nova.conf's [DEFAULT] host, else the domain rule, else uname -n.
import { readdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/** The last `host =` of the [DEFAULT] section of an ini text, if any. */
export function defaultHostOf(ini: string): string | undefined {
  let section = "";
  let host: string | undefined;
  for (const raw of ini.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = (header[1] ?? "").trim();
      continue;
    }
    const pair = /^host\s*[=:]\s*(.*)$/.exec(line);
    if (section === "DEFAULT" && pair) host = (pair[1] ?? "").trim() || undefined;
  }
  return host;
}

/** Reads nova.conf and then nova.conf.d/*.conf in name order (as oslo.config does); the last setting wins. */
export async function configuredNovaHost(novaConf: string): Promise<string | undefined> {
  const texts: string[] = [];
  texts.push(await readFile(novaConf, "utf8").catch(() => ""));
  const directory = `${novaConf}.d`;
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.endsWith(".conf")).sort()) texts.push(await readFile(join(directory, name), "utf8").catch(() => ""));
  return texts.map(defaultHostOf).reduce<string | undefined>((found, host) => host ?? found, undefined);
}

/** Resolves the Nova host name: explicit > nova.conf > <short uname>.<domain> > uname -n. */
export async function resolveOwnNovaHost(options: { explicit?: string; novaConf: string; domain?: string; nodeName?: string }): Promise<string> {
  if (options.explicit) return options.explicit;
  const configured = await configuredNovaHost(options.novaConf);
  if (configured) return configured;
  const node = options.nodeName ?? hostname();
  return options.domain ? `${node.split(".")[0]}.${options.domain}` : node;
}
