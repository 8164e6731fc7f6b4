// Evacuation migration records of a source host (GET /os-migrations), every page.
import { z } from "zod";
import { MICROVERSION_FEATURES } from "../microversion.js";
import { linksSchema, nextLink } from "../pages.js";
import type { Migration } from "../types.js";
import type { NovaClient } from "./nova-client.js";
import { novaTimeMs } from "../nova-time.js";

/** The migration_type of evacuations. */
export const EVACUATION = "evacuation";

const migrationSchema = z.object({
  id: z.union([z.number(), z.string()]),
  uuid: z.string().optional(),
  instance_uuid: z.string(),
  status: z.string(),
  source_compute: z.string().nullish(),
  dest_compute: z.string().nullish(),
  // Only in answers from 2.23.
  migration_type: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
});
const listSchema = z.object({
  migrations: z.array(migrationSchema),
  migrations_links: linksSchema,
});

/** Normalises a migration record; without migration_type (before 2.23) it is the type asked for. */
export function toMigration(raw: z.output<typeof migrationSchema>): Migration {
  return {
    id: String(raw.id),
    instanceUuid: raw.instance_uuid,
    status: raw.status,
    sourceCompute: raw.source_compute ?? null,
    destCompute: raw.dest_compute ?? null,
    migrationType: raw.migration_type ?? EVACUATION,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at ?? null,
  };
}

/**
 * GET /os-migrations?migration_type=evacuation&source_compute=H. From 2.59 Nova pages (marker = migration
 * uuid) and filters on changes-since itself; before, one answer holds everything and changes-since is applied
 * here. The filters are also re-checked here, for services that ignore them.
 */
export async function listEvacuations(nova: NovaClient, filter: { sourceCompute: string; changesSince?: string }): Promise<Migration[]> {
  const paged = nova.supports(MICROVERSION_FEATURES.migrationsPaging);
  const params = {
    migration_type: EVACUATION,
    source_compute: filter.sourceCompute,
    "changes-since": paged ? filter.changesSince : undefined,
  };
  const raw = await nova.listAll("/os-migrations", params, listSchema, (body) => ({
    items: body.migrations,
    next: paged ? nextLink(body.migrations_links) : undefined,
  }));
  const since = filter.changesSince === undefined ? undefined : novaTimeMs(filter.changesSince);
  return raw
    .map(toMigration)
    .filter((m) => m.migrationType === EVACUATION && m.sourceCompute === filter.sourceCompute)
    .filter((m) => since === undefined || novaTimeMs(m.updatedAt ?? m.createdAt) >= since);
}
