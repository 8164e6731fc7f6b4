// The token both sessions hold: reused until near expiry, one renewal for concurrent callers, one retry after a 401.
import { describe, expect, it } from "vitest";
import { OpenStackError } from "../../../src/openstack/errors.js";
import { EXPIRY_MARGIN_MS, TokenHolder, type TokenState } from "../../../src/openstack/token-holder.js";

const TTL_MS = 3600_000;

/** A holder whose Keystone hands out tok-1, tok-2, ... valid TTL_MS from the clock `now`; `grants` counts them. */
function holder(clock: { now: number }, initial?: TokenState): { holder: TokenHolder<TokenState>; grants: () => number } {
  let grants = 0;
  const authenticate = async (): Promise<TokenState> => {
    grants += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { token: `tok-${grants}`, expiresAt: clock.now + TTL_MS };
  };
  return { holder: new TokenHolder(authenticate, () => clock.now, initial), grants: () => grants };
}

/** The error a service gives for a token it refuses. */
const refused = (): OpenStackError => new OpenStackError({ kind: "auth", status: 401, what: "Nova rejected the token" });

describe("TokenHolder", () => {
  it("reuses a token until it expires within the margin, then renews it", async () => {
    const clock = { now: 0 };
    const { holder: tokens, grants } = holder(clock, { token: "cached", expiresAt: TTL_MS });
    expect((await tokens.current()).token).toBe("cached");
    clock.now = TTL_MS - EXPIRY_MARGIN_MS - 1;
    expect((await tokens.current()).token).toBe("cached");
    clock.now = TTL_MS - EXPIRY_MARGIN_MS;
    expect((await tokens.current()).token).toBe("tok-1");
    expect(grants()).toBe(1);
  });

  it("renews earlier for a caller that needs the token to last longer than the margin", async () => {
    const clock = { now: 0 };
    const { holder: tokens } = holder(clock, { token: "cached", expiresAt: 10 * EXPIRY_MARGIN_MS });
    expect((await tokens.current(5 * EXPIRY_MARGIN_MS)).token).toBe("cached");
    expect((await tokens.current(10 * EXPIRY_MARGIN_MS)).token).toBe("tok-1");
  });

  it("asks Keystone once for all the callers that need a token at the same time", async () => {
    const { holder: tokens, grants } = holder({ now: 0 });
    const states = await Promise.all([tokens.current(), tokens.current(), tokens.renew()]);
    expect(states.map((state) => state.token)).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(grants()).toBe(1);
  });

  it("sends once more with a fresh token after a 401, and passes any other failure on", async () => {
    const { holder: tokens, grants } = holder({ now: 0 });
    const sent: string[] = [];
    const answer = await tokens.withToken(async (state) => {
      sent.push(state.token);
      if (state.token === "tok-1") throw refused();
      return "ok";
    });
    expect([answer, sent, grants()]).toEqual(["ok", ["tok-1", "tok-2"], 2]);
    await expect(tokens.withToken(() => Promise.reject(new Error("connection reset")))).rejects.toThrow("connection reset");
    await expect(tokens.withToken(() => Promise.reject(refused()))).rejects.toThrow("rejected the token");
    expect(grants()).toBe(3);
  });

  it("takes the token another caller renewed meanwhile instead of asking Keystone again", async () => {
    const { holder: tokens, grants } = holder({ now: 0 });
    await tokens.current();
    const sent: string[] = [];
    await tokens.withToken(async (state) => {
      sent.push(state.token);
      if (state.token === "tok-1") {
        await tokens.renew();
        throw refused();
      }
    });
    expect([sent, grants()]).toEqual([["tok-1", "tok-2"], 2]);
  });

  it("keeps no failed authentication: the next caller asks again", async () => {
    let calls = 0;
    const tokens = new TokenHolder<TokenState>(async () => {
      calls += 1;
      if (calls === 1) throw new Error("Keystone unreachable");
      return { token: "tok", expiresAt: TTL_MS };
    }, () => 0);
    await expect(tokens.current()).rejects.toThrow("Keystone unreachable");
    expect((await tokens.current()).token).toBe("tok");
  });
});
