// What both compute fence agents do the same way: connect, find the target's nova-compute service, status, list, monitor, validate-all.
import { AgentError } from "../kit/agent-error.js";
import type { FenceContext, PlugEntry, PowerState } from "../kit/fence/fence-agent.js";
import type { Logger } from "../kit/logger.js";
import { given, typedParams, type ParamValues } from "../kit/params.js";
import type { OpenStack } from "../openstack/api.js";
import type { ComputeService } from "../openstack/types.js";
import { hostMatchError, matchNovaHost, shortName, type HostMatch } from "../recovery/host/host-name.js";
import { fenceStatus } from "../recovery/host/host-state.js";
import { COMPUTE_FENCE_OPTIONS } from "./compute-fence-options.js";
import { fenceTokenCachePath } from "./fence-token-cache.js";
import { cloudConfigFromParams, openStackFromParams } from "./openstack-session.js";

/**
 * Connects with the device's parameters (and OS_* / clouds.yaml for what they leave out), runs `work`,
 * then releases the connection's idle sockets. Every request ends by `deadline` (the action's, by default).
 */
export async function withNova<T>(context: FenceContext, work: (openstack: OpenStack) => Promise<T>, deadline = context.deadline): Promise<T> {
  const openstack = await openStackFromParams(context.params, {
    env: process.env, log: context.log, tokenCachePath: fenceTokenCachePath(process.env), deadline, signal: context.signal,
  });
  try {
    return await work(openstack);
  } finally {
    (openstack as OpenStack & { close?: () => void }).close?.();
  }
}

/** The DNS domain hint: domain, else compute_domain (the peer let compute_domain erase domain instead). */
export function configuredDomain(values: ParamValues, log?: Logger): string | undefined {
  const params = typedParams(COMPUTE_FENCE_OPTIONS, values);
  const domain = given(params.domain);
  const computeDomain = given(params.compute_domain);
  if (domain && computeDomain && domain !== computeDomain) log?.warn(`domain=${domain} and compute_domain=${computeDomain} differ; using domain`);
  return domain ?? computeDomain;
}

/** The target, which the kit guarantees for the actions that need one. */
export function requirePlug(context: FenceContext): string {
  if (context.plug === undefined) throw new AgentError("configured", "You have to enter plug number or machine identification (plug= or port=, -n)");
  return context.plug;
}

/** Matches the plug against every nova-compute service (one request), with the service when found. */
export async function matchService(openstack: OpenStack, context: FenceContext): Promise<{ match: HostMatch; service?: ComputeService }> {
  const plug = requirePlug(context);
  const services = await openstack.compute.listServices();
  const match = matchNovaHost(plug, services.map((service) => service.host), configuredDomain(context.params, context.log));
  if (match.kind !== "found") return { match };
  if (match.host !== plug) context.log.info({ plug, host: match.host }, `cluster node ${plug} is Nova host ${match.host} (${match.rule})`);
  return { match, service: services.find((service) => service.host === match.host) };
}

/** The target's nova-compute service; an unknown or ambiguous host is an AgentError. */
export async function findService(openstack: OpenStack, context: FenceContext): Promise<ComputeService> {
  const { match, service } = await matchService(openstack, context);
  if (match.kind !== "found") throw hostMatchError(requirePlug(context), match);
  return service as ComputeService;
}

/** `status`: ON, or OFF for a fenced host (down and disabled); an unknown host fails. */
export async function novaStatus(context: FenceContext): Promise<PowerState> {
  return withNova(context, async (openstack) => fenceStatus(await findService(openstack, context)));
}

/** `list` / `list-status`: every nova-compute host, and its short name as a second id, as the peers list them. */
export async function novaList(context: FenceContext): Promise<PlugEntry[]> {
  const services = await withNova(context, (openstack) => openstack.compute.listServices());
  const statusOf = (matching: ComputeService[]): PlugEntry["status"] => {
    const states = new Set(matching.map((service) => fenceStatus(service)));
    return states.size === 1 ? (states.has("off") ? "OFF" : "ON") : "UNKNOWN";
  };
  const ids = new Map<string, ComputeService[]>();
  for (const service of services) {
    for (const id of new Set([service.host, shortName(service.host)])) ids.set(id, [...(ids.get(id) ?? []), service]);
  }
  return [...ids.entries()].map(([id, matching]) => ({ id, status: statusOf(matching) }));
}

/** `monitor`: authenticates and makes one cheap admin call (the nova-compute service list). */
export async function novaMonitor(context: FenceContext): Promise<void> {
  const services = await withNova(context, (openstack) => openstack.compute.listServices());
  context.log.debug(`Nova answers; ${services.length} nova-compute services`);
}

/** validate-all: the table checks ran already; this also checks that credentials are given (and password_script works). */
export async function validateCredentials(context: FenceContext): Promise<void> {
  configuredDomain(context.params, context.log);
  if (context.action === "validate-all") await cloudConfigFromParams(context.params, process.env);
}
