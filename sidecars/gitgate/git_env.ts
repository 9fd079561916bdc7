/**
 * The environment of every git the gate runs: no operator configuration (HOME is the gate
 * directory, no system config, no prompts) and the upstream's credential, which goes only
 * into the environment (never argv) and is redacted from anything relayed.
 */

import { Buffer } from "node:buffer";
import type { GateCredential } from "./wire.ts";

export interface BaseEnv {
  path: string;
  home: string;
}

export function baseGitEnv(base: BaseEnv): Record<string, string> {
  return {
    PATH: base.path,
    HOME: base.home,
    LANG: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_ALLOW_PROTOCOL: "ssh:https:http:git:file",
  };
}

/** `-c` settings for a child git through GIT_CONFIG_COUNT/KEY/VALUE (never argv). */
export function configEnv(entries: readonly [string, string][]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function sshCommand(keyFile: string | null, knownHosts: string | null): string {
  const parts = ["ssh", "-F", "/dev/null"];
  if (keyFile !== null) parts.push("-i", shellQuote(keyFile), "-o", "IdentitiesOnly=yes");
  parts.push(
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${knownHosts === null ? "/dev/null" : shellQuote(knownHosts)}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "ConnectTimeout=20",
  );
  return parts.join(" ");
}

export function basicAuth(username: string, token: string): string {
  return Buffer.from(`${username}:${token}`).toString("base64");
}

/** The upstream's credential as environment for a git talking to it. */
export function credentialEnv(
  credential: GateCredential,
  token: string | null,
): Record<string, string> {
  switch (credential.kind) {
    case "ssh-key":
      return { GIT_SSH_COMMAND: sshCommand(credential.key_file, credential.known_hosts_file) };
    case "token":
      return {
        GIT_SSH_COMMAND: sshCommand(null, null),
        ...configEnv([
          ["credential.helper", ""],
          [
            "http.extraHeader",
            `Authorization: Basic ${basicAuth(credential.username, token ?? "")}`,
          ],
        ]),
      };
    case "none":
      return { GIT_SSH_COMMAND: sshCommand(null, credential.known_hosts_file ?? null) };
  }
}

/** The forms of a token that could show up in text git relays. */
export function secretForms(credential: GateCredential, token: string | null): string[] {
  if (credential.kind !== "token" || token === null || token === "") return [];
  return [
    token,
    basicAuth(credential.username, token),
    encodeURIComponent(token),
    Buffer.from(token).toString("base64"),
  ].filter((form) => form.length >= 4);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, "[REDACTED]");
  // Credentials a URL may carry (`https://user:pass@host`).
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1[REDACTED]@");
}
