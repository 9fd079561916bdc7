import { validBase62Crc } from "../checksum.ts";
import { B, BU, E, EU, prefixRule, type SecretRule } from "./rule.ts";

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
    `${BU}pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}${EU}`,
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
];
