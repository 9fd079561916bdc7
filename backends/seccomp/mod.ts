/**
 * The seccomp filter of a bottle: `seccompFilter()` compiles it for bwrap's `--seccomp FD`
 * (pid 1) and for the entry program of `bottle exec` (backends/bwrap/enter.ts). See filter.ts
 * for the rules and how they compare with Docker's default profile.
 */

export {
  CLONE_NAMESPACE_FLAGS,
  NEWEST_VETTED_NR,
  PERSONALITY_ALLOWED,
  SECCOMP_DENIED,
  seccompFilter,
  SOCKET_DENIED_FAMILIES,
} from "./filter.ts";
export { AUDIT_ARCH, type SeccompArch, seccompArch, syscallNumber } from "./syscalls.ts";
