// A throw-away CA and a server certificate for 127.0.0.1, made with openssl in a temporary directory.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM material of the fixture; caPath is a file, for caBundle. */
export interface TlsFixture {
  dir: string;
  caPath: string;
  key: string;
  cert: string;
  remove(): void;
}

/** Creates a CA and a certificate for IP 127.0.0.1 signed by it. */
export function createTlsFixture(): TlsFixture {
  const dir = mkdtempSync(join(tmpdir(), "os-tls-"));
  const p = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: "ignore" });
  };
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2", "-subj", "/CN=test-ca");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(p("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
    "-out", p("server.pem"), "-days", "2", "-extfile", p("ext.cnf"));
  return {
    dir,
    caPath: p("ca.pem"),
    key: readFileSync(p("server.key"), "utf8"),
    cert: readFileSync(p("server.pem"), "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
