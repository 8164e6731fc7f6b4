import { describe, expect, it } from "vitest";
import { Interrupted, interruptibleProgress, unlessInterrupted } from "../../../scripts/demo/interrupt.js";

describe("interruptibleProgress", () => {
  it("prints until interrupted, throws once, then stays silent", () => {
    const printed: string[] = [];
    const controller = new AbortController();
    const { progress } = interruptibleProgress((line) => printed.push(line), controller.signal);
    progress("one");
    controller.abort("SIGINT");
    expect(() => progress("two")).toThrow(Interrupted);
    expect(() => progress("three")).not.toThrow();
    expect(printed).toEqual(["one"]);
  });

  it("is silent and never throws once disarmed", () => {
    const printed: string[] = [];
    const controller = new AbortController();
    const bringUp = interruptibleProgress((line) => printed.push(line), controller.signal);
    bringUp.disarm();
    bringUp.progress("stopping");
    controller.abort("SIGTERM");
    expect(() => bringUp.progress("teardown")).not.toThrow();
    expect(printed).toEqual([]);
  });
});

describe("unlessInterrupted", () => {
  it("rejects as soon as the signal is aborted, with the signal's name", async () => {
    const controller = new AbortController();
    const pending = unlessInterrupted(new Promise(() => undefined), controller.signal);
    controller.abort("SIGINT");
    await expect(pending).rejects.toMatchObject({ name: "Interrupted", signal: "SIGINT" });
  });

  it("passes the value through when not interrupted", async () => {
    await expect(unlessInterrupted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});
