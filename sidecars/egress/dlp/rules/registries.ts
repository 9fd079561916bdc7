import { validBase62Crc } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

export const REGISTRY_RULES: SecretRule[] = [
  prefixRule(
    "npm-access-token",
    "npm access token",
    ["npm_"],
    `${B}npm_[A-Za-z0-9]{36}${E}`,
    (m) => validBase62Crc(m[0], 4),
  ),
  prefixRule(
    "pypi-api-token",
    "PyPI API token",
    ["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
    `${B}pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}${EU}`,
  ),
  prefixRule(
    "rubygems-api-key",
    "RubyGems API key",
    ["rubygems_"],
    `${B}rubygems_[a-f0-9]{48}${E}`,
  ),
  prefixRule("nuget-api-key", "NuGet API key", ["oy2"], `${B}oy2[a-z0-9]{43}${E}`),
  prefixRule(
    "dockerhub-token",
    "Docker Hub access token",
    ["dckr_pat_", "dckr_oat_"],
    `${B}dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40}${EU}`,
  ),
  prefixRule("pulumi-access-token", "Pulumi access token", ["pul-"], `${B}pul-[a-f0-9]{40}${E}`),
  // API keys ("AKCp…") and reference tokens (base64 "reftkn:01:…", anchored past "cmVm").
  // Anchors of letters and digits only share one alternation of literals, whose scan of
  // base64 text slows sharply with some additions: measure throughput when adding one.
  prefixRule(
    "jfrog-token",
    "JFrog Artifactory API key",
    ["AKCp"],
    `${B}AKCp[A-Za-z0-9]{69}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 3,
  ),
  defineRule({
    id: "jfrog-token",
    title: "JFrog Artifactory reference token",
    anchors: ["dGtuOjAxOj"],
    anchorBefore: "cmVm",
    pattern: `(?<=${B}cmVm)dGtuOjAxOj[A-Za-z0-9]{50}${E}`,
    validate: (m) => characterClasses(m[0].slice(10)) >= 3,
    secret: (m) => "cmVm" + m[0],
  }),
];
