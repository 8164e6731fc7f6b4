import { describe, expect, it } from "vitest";
import { childEnvironment, isSecretVariable } from "../../../src/kit/child-env.js";
import { registerSecrets } from "../../../src/kit/logger.js";

describe("childEnvironment", () => {
  it.each([
    ["OCF_RESKEY_password"], ["OCF_RESKEY_application_credential_secret"], ["OCF_RESKEY_passwd"], ["OS_PASSWORD"], ["OS_TOKEN"],
    ["OS_AUTH_TOKEN"], ["OS_APPLICATION_CREDENTIAL_SECRET"], ["OS_APPLICATION_CREDENTIAL_ID"], ["DB_PASSWORD"], ["AWS_SECRET_ACCESS_KEY"],
    ["GITHUB_TOKEN"], ["SSH_PRIVATE_KEY"], ["SOME_API_KEY"],
  ])("leaves out %s", (name) => {
    expect(childEnvironment({ PATH: "/usr/bin", [name]: "x" })).toEqual({ PATH: "/usr/bin" });
  });

  it.each([["PATH"], ["HOME"], ["LANG"], ["OCF_RESKEY_username"], ["OS_AUTH_URL"], ["HA_RSCTMP"], ["PCMK_service"]])("keeps %s", (name) => {
    expect(childEnvironment({ [name]: "value" })).toEqual({ [name]: "value" });
  });

  it("leaves out a variable whose value holds a registered secret, whatever its name", () => {
    registerSecrets(["From-Password-Script-77"]);
    expect(isSecretVariable("HARMLESS", "prefix From-Password-Script-77")).toBe(true);
    expect(childEnvironment({ HARMLESS: "From-Password-Script-77", OTHER: "fine" })).toEqual({ OTHER: "fine" });
  });

  it("does not change the environment it is given", () => {
    const env = { OS_PASSWORD: "x", PATH: "/bin" };
    childEnvironment(env);
    expect(env).toEqual({ OS_PASSWORD: "x", PATH: "/bin" });
  });
});
