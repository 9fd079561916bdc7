/** JSON and SSE helpers shared by the model API stand-ins (test use only). */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

/** The text of a content value: a string, or the text of every part of a list. */
export function textOf(content: Json | undefined): string {
  if (typeof content === "string") return content;
  return asList(content).map((item) => {
    if (typeof item === "string") return item;
    const map = asMap(item);
    return typeof map.text === "string" ? map.text : textOf(map.content);
  }).join("");
}

export function asMap(value: Json | undefined): JsonMap {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

export function asList(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** A whole server-sent-event stream as one response. */
export function sseResponse(
  events: [string, JsonMap][],
  headers: Record<string, string>,
): Response {
  const text = events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    .join("");
  return new Response(text, { headers: { "content-type": "text/event-stream", ...headers } });
}
