// Test helper: a fake cloud offering microversions up to `version`, and a connected client.
import { pino } from "pino";
import { connectOpenStack, type OpenStackConnection } from "../../../src/openstack/connect.js";
import { startFakeCloud, type FakeCloud, type FakeCloudOptions } from "./fake-cloud.js";

/** A fake cloud and a client connected to it. */
export interface CloudSession {
  cloud: FakeCloud;
  os: OpenStackConnection;
  close(): Promise<void>;
}

/** Starts a fake cloud whose Nova tops out at `version` and connects to it (retries sleep for real, so keep them few). */
export async function openCloudSession(version: string, options: FakeCloudOptions & { retries?: number } = {}): Promise<CloudSession> {
  const cloud = await startFakeCloud({ ...options, maxVersion: version });
  const os = await connectOpenStack(cloud.config(), { logger: pino({ level: "silent" }), retries: options.retries ?? 0 });
  return {
    cloud,
    os,
    close: async () => {
      os.close();
      await cloud.close();
    },
  };
}
