// Nova requests at the negotiated microversion, with the answer checked against a zod schema.
import type { z } from "zod";
import type { QueryParams } from "../http.js";
import { collectPages, type Page } from "../pages.js";
import type { Session } from "../session.js";
import type { ServiceRequest } from "../token-holder.js";
import { microversionHeaders, supports } from "../microversion.js";
import { parseAnswer } from "../validate.js";

/** Sends Nova requests with the microversion headers and parses the answers. */
export class NovaClient {
  constructor(
    readonly session: Session,
    readonly microversion: string,
  ) {}

  /** True when the negotiated microversion is at least `version`. */
  supports(version: string): boolean {
    return supports(this.microversion, version);
  }

  /** Sends a request and returns its body parsed with `schema`. */
  async call<S extends z.ZodType>(req: ServiceRequest, schema: S): Promise<z.output<S>> {
    const res = await this.send(req);
    return parseAnswer(schema, res.data, { service: "compute", method: req.method, path: req.path, requestId: res.requestId });
  }

  /** Sends a request whose body is not needed. */
  async send(req: ServiceRequest): Promise<{ data: unknown; requestId?: string }> {
    return this.session.request("compute", { ...req, headers: { ...req.headers, ...microversionHeaders(this.microversion) } });
  }

  /** GETs `path` page after page (rel="next" links, by marker) and returns every item. */
  listAll<S extends z.ZodType, T>(path: string, params: QueryParams, schema: S, page: (body: z.output<S>) => Page<T>): Promise<T[]> {
    const fetchPage = async (query: QueryParams): Promise<Page<T>> => page(await this.call({ method: "GET", path, params: query }, schema));
    return collectPages(params, fetchPage, { service: "compute", method: "GET", path });
  }
}
