// The OpenStack connection options every agent accepts, with the peers' names, spellings and defaults.
import type { ParamSpec } from "../kit/params.js";

/** Endpoint types the peers accept, and the plain interface names. */
const ENDPOINT_TYPES = ["publicURL", "internalURL", "adminURL", "public", "internal", "admin"] as const;

/** Connection options, spelled for fence agents (short and long getopt options, deprecated aliases). */
export const FENCE_OPENSTACK_OPTIONS = [
  { name: "auth_url", type: "string", short: "k", metavar: "url", default: "", order: 2, shortdesc: "Keystone Admin Auth URL" },
  { name: "endpoint_type", type: "string", short: "e", metavar: "endpoint", default: "internalURL", choices: ENDPOINT_TYPES, order: 2, shortdesc: "Nova Endpoint type" },
  { name: "username", type: "string", short: "l", metavar: "name", aliases: ["login"], order: 2, shortdesc: "Login name" },
  { name: "password", type: "string", short: "p", metavar: "password", aliases: ["passwd"], secret: true, order: 2, shortdesc: "Login password or passphrase" },
  { name: "password_script", type: "string", short: "S", metavar: "script", aliases: ["passwd_script"], order: 2, shortdesc: "Script to run to retrieve password" },
  { name: "region_name", type: "string", metavar: "region", default: "", order: 2, shortdesc: "Region Name" },
  { name: "tenant_name", type: "string", short: "t", metavar: "name", aliases: ["project_name"], default: "", order: 2, shortdesc: "Keystone Admin Tenant or v3 Project" },
  { name: "user_domain", type: "string", short: "u", metavar: "name", aliases: ["user-domain"], default: "Default", order: 3, shortdesc: "Keystone v3 User Domain" },
  { name: "project_domain", type: "string", short: "P", metavar: "name", aliases: ["project-domain"], default: "Default", order: 3, shortdesc: "Keystone v3 Project Domain" },
  { name: "insecure", type: "boolean", default: false, order: 3, shortdesc: "Allow Insecure TLS Requests (1/0, yes/no, true/false, on/off; 0 keeps TLS verified)" },
  { name: "cloud", type: "string", metavar: "name", order: 4, shortdesc: "Cloud name in clouds.yaml (secrets can live there instead of the device configuration)" },
  { name: "ca_bundle", type: "string", metavar: "path", order: 4, shortdesc: "PEM file of CA certificates to trust for Keystone and Nova" },
  { name: "application_credential_id", type: "string", metavar: "id", order: 4, shortdesc: "Keystone application credential id (instead of username/password)" },
  { name: "application_credential_secret", type: "string", metavar: "secret", secret: true, order: 4, shortdesc: "Keystone application credential secret" },
  { name: "connect_timeout", type: "second", metavar: "seconds", default: 10, min: 1, order: 4, shortdesc: "Seconds to wait for a connection to Keystone or Nova" },
  { name: "read_timeout", type: "second", metavar: "seconds", default: 60, min: 1, order: 4, shortdesc: "Seconds to wait for an answer from Keystone or Nova" },
] as const satisfies readonly ParamSpec[];

/** The connection options of the OCF agents: the fence agents' without password_script. */
type OcfOpenStackOption = Exclude<(typeof FENCE_OPENSTACK_OPTIONS)[number], { readonly name: "password_script" }>;

/** Long descriptions for the OCF spelling of the same options. */
const OCF_LONGDESC: Readonly<Record<string, string>> = {
  auth_url: "Keystone URL, e.g. https://keystone:5000/v3. Not needed when cloud is set.",
  username: "Keystone user with the admin role. Not needed with cloud or an application credential.",
  password: "Password of that user. Pacemaker keeps it in the CIB; prefer cloud (clouds.yaml) where possible.",
  tenant_name: "Project to scope the token to (v3 project name).",
  endpoint_type: "Nova endpoint interface: publicURL, internalURL, adminURL (or public, internal, admin).",
  insecure: "Do not verify TLS certificates. 0/no/false keep verification on.",
};

/** Connection options, spelled for OCF agents (OCF_RESKEY_<name>; no getopt, no aliases). */
export const OCF_OPENSTACK_OPTIONS: readonly (ParamSpec & Pick<OcfOpenStackOption, "name" | "type">)[] = FENCE_OPENSTACK_OPTIONS
  .filter((spec): spec is OcfOpenStackOption => spec.name !== "password_script")
  .map((spec) => {
    const { short: _short, metavar: _metavar, aliases: _aliases, ...rest }: ParamSpec & OcfOpenStackOption = spec;
    return { ...rest, longdesc: OCF_LONGDESC[spec.name] ?? spec.shortdesc };
  });
