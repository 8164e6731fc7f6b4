// Test helper: a fake Keystone whose catalog lists Masakari and Mistral on the same local server, and sessions to them.
import { pino } from "pino";
import { BackendSession, type BackendService } from "../../../../src/openstack/backend-session.js";
import { Transport } from "../../../../src/openstack/http.js";
import type { CloudConfig } from "../../../../src/openstack/types.js";
import { startFakeServer, type FakeHandler, type FakeRequest, type FakeServer } from "../fake-server.js";

/** A running fake: Keystone at /v3, Masakari at /masakari/v1, Mistral at /mistral/v2. */
export interface FakeBackends {
  server: FakeServer;
  /** Requests to the back-ends (Keystone's left out), path relative to the service's endpoint. */
  calls(service: BackendService): FakeRequest[];
  /** A session to one back-end, through a transport without retries. */
  session(service: BackendService): BackendSession;
  /** Tokens issued so far. */
  tokens: string[];
  close(): Promise<void>;
}

/** Options: token lifetime (ms) and a handler for back-end requests (path relative to the endpoint). */
export async function startFakeBackends(handler: FakeHandler, options: { tokenLifeMs?: number } = {}): Promise<FakeBackends> {
  const tokens: string[] = [];
  const server = await startFakeServer((req) => {
    if (req.method === "POST" && req.path === "/v3/auth/tokens") {
      const token = `tok-${tokens.length + 1}`;
      tokens.push(token);
      const url = `http://127.0.0.1:${server.port}`;
      const endpoint = (path: string) => [{ interface: "public", url: `${url}${path}`, region_id: "RegionOne" }];
      return {
        status: 201,
        headers: { "X-Subject-Token": token },
        body: {
          token: {
            expires_at: new Date(Date.now() + (options.tokenLifeMs ?? 3_600_000)).toISOString(),
            project: { id: "p1" },
            catalog: [
              { type: "compute", endpoints: endpoint("/compute/v2.1") },
              { type: "instance-ha", endpoints: endpoint("/masakari/v1") },
              { type: "workflowv2", endpoints: endpoint("/mistral/v2") },
            ],
          },
        },
      };
    }
    return handler({ ...req, path: req.path.replace(/^\/(masakari\/v1|mistral\/v2)/, "") });
  });
  const config: CloudConfig = {
    authUrl: `${server.url}/v3`, username: "admin", password: "secret", projectName: "admin",
    userDomainName: "Default", projectDomainName: "Default", interface: "public", insecure: false,
    connectTimeoutMs: 2_000, readTimeoutMs: 2_000,
  };
  const transports: Transport[] = [];
  return {
    server,
    tokens,
    calls: (service) => server.requests.filter((r) => r.path.startsWith(service === "masakari" ? "/masakari/v1" : "/mistral/v2"))
      .map((r) => ({ ...r, path: r.path.replace(/^\/(masakari\/v1|mistral\/v2)/, "") })),
    session: (service) => {
      const transport = new Transport({ ...config, logger: pino({ level: "silent" }), retries: 0 });
      transports.push(transport);
      return new BackendSession(transport, config, service);
    },
    close: async () => {
      for (const t of transports) t.close();
      await server.close();
    },
  };
}
