/**
 * Real git upstreams on 127.0.0.1 for the git gate's tests, started and stopped by the test:
 * an OpenSSH server (`startSshUpstream`), a token-guarded smart-HTTP server over
 * `git http-backend` (`startHttpUpstream`), and the helpers that make, change and read the
 * bare repositories they serve. `git_upstreams_test.ts` proves each with stock `git`.
 */
export { type SshUpstream, startSshUpstream } from "./git_upstream_ssh.ts";
export { type HttpUpstream, startHttpUpstream, type UpstreamRequest } from "./git_upstream_http.ts";
export {
  commitUpstream,
  installUpstreamPreReceive,
  makeUpstreamRepo,
  upstreamHasObject,
  upstreamRefs,
} from "./git_upstream_repo.ts";
