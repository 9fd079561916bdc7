/**
 * What leaves the bottle is checked before it goes (checks.ts): placeholders outside their
 * route, the DLP engine's findings on URL, headers and body (findings in a credentialed
 * route's conversation only warn: conversation.ts), and pieces of the bottle's secrets sent
 * across requests (split_watch.ts over fragments.ts and fragment_index.ts).
 */
export {
  type Block,
  BodyCheck,
  checkHead,
  DLP_UNAVAILABLE_RULE,
  PLACEHOLDER_RULE,
} from "./checks.ts";
export { type SplitCheck, SplitWatch } from "./split_watch.ts";
