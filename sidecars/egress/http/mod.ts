/**
 * HTTP/1.x for the proxy: message heads (parse, serialise, targets, hop-by-hop fields),
 * bodies (where one ends, chunked coding), reading messages from a byte stream, and the
 * proxy's own answers. Pure apart from message_io.ts, which reads a stream.
 */
export {
  BodyDelimiter,
  chunkFrame,
  type Framing,
  FramingError,
  LAST_CHUNK,
  requestFraming,
  responseFraming,
} from "./body.ts";
export {
  type Authority,
  connectionHas,
  formatAuthority,
  type HeaderField,
  headerList,
  parseAbsoluteTarget,
  parseConnectAuthority,
  type RequestHead,
  requestHeadParser,
  type ResponseHead,
  responseHeadParser,
  serializeRequestHead,
  serializeResponseHead,
  stripHopByHop,
} from "./head.ts";
export { BodyReader, readHead, relayBody } from "./message_io.ts";
export { CONNECT_ESTABLISHED, proxyErrorResponse, REASON_HEADER } from "./responses.ts";
