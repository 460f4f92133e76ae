import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** True when the `openssl` command can be run. */
export function haveOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Writes a throwaway cluster CA (`ca.pem`, `ca.key`) and, for each name, a
 * P-256 key and a certificate with `CN=name` signed by that CA (`name.pem`,
 * `name.key`) into `dir`, with the `openssl` command. For tests and local
 * clusters only: the keys are unencrypted.
 */
export function makeCerts(dir: string, names: readonly string[], caName = "cohort-test-ca"): void {
  openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"]);
  openssl(dir, [
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    `/CN=${caName}`,
    "-days",
    "2",
    "-out",
    "ca.pem",
  ]);
  writeFileSync(
    join(dir, "ext.cnf"),
    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  for (const name of names) {
    openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`]);
    openssl(dir, [
      "req",
      "-new",
      "-key",
      `${name}.key`,
      "-subj",
      `/CN=${name}`,
      "-out",
      `${name}.csr`,
    ]);
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
      "-out",
      `${name}.pem`,
    ]);
  }
}
