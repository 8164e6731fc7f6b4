// ImageApi over Glance v2: images carrying a tag, every page.
import { z } from "zod";
import type { ImageApi } from "./api.js";
import { collectPages } from "./pages.js";
import type { Session } from "./session.js";
import type { Image } from "./types.js";
import { parseAnswer } from "./validate.js";

/** Glance's largest page (api_limit_max default); fewer round trips than the default 25. */
const PAGE_SIZE = 1000;

const imageSchema = z.looseObject({ id: z.string(), tags: z.array(z.string()).default([]) });
const listSchema = z.object({ images: z.array(imageSchema), next: z.string().nullish() });

/** Normalises a Glance image: every field but id and tags is a property (custom properties are top-level in v2). */
export function toImage(raw: z.output<typeof imageSchema>): Image {
  const { id, tags, ...properties } = raw;
  return { id, tags, properties };
}

/** Builds the ImageApi of a session. */
export function createImageApi(session: Session): ImageApi {
  return {
    async listImagesWithTag(tag: string): Promise<Image[]> {
      const state = await session.current();
      // Catalogs register Glance with or without the version suffix.
      const path = /\/v2$/.test(session.endpoint("image", state)) ? "/images" : "/v2/images";
      const raw = await collectPages(
        { tag, limit: PAGE_SIZE },
        async (params) => {
          const res = await session.request("image", { method: "GET", path, params });
          const body = parseAnswer(listSchema, res.data, { service: "image", method: "GET", path, requestId: res.requestId });
          return { items: body.images, next: body.next ?? undefined };
        },
        { service: "image", method: "GET", path },
      );
      return raw.map(toImage);
    },
  };
}
