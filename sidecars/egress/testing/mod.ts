/**
 * Test support for the egress proxy, never imported by the product (layering_test.ts checks):
 * a bottle's files on disk, waiting with deadlines, loopback origins, a raw HTTP client over
 * the proxy socket, TLS stand-ins and doors, and a fake DLP engine. The proxy fixtures
 * (proxy_fixture.ts, intercept_fixture.ts) and the DLP corpus run (dlp_corpus/) are imported
 * by their tests directly.
 */
export { BLOCK_MARK, type FakeDlp, fakeDlp, WARN_MARK } from "./fake_dlp.ts";
export {
  passthroughRoute,
  testCa,
  testPolicy,
  writeCaDir,
  writePolicyFile,
  writeSecrets,
} from "./files.ts";
export { type LoopbackServer, serveLoopback } from "./listener.ts";
export {
  type EchoServer,
  type SeenRequest,
  startEchoServer,
  startOrigin,
  type TestOrigin,
} from "./origins.ts";
export {
  content,
  decodeChunked,
  header,
  proxyRequest,
  RawClient,
  type RawResponse,
} from "./raw_client.ts";
export { type RawOrigin, startRawOrigin } from "./raw_origin.ts";
export {
  curl,
  type CurlResult,
  type Door,
  mintServerCert,
  pattern,
  type ServerCert,
  type StandIn,
  startDoor,
  startStandIn,
  tunnelClient,
} from "./tls.ts";
export { eventually, TEST_TIMEOUT_MS, withTimeout } from "./wait.ts";
