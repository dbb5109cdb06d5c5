import type { ChatRequest } from '../api/chat-request.ts';
import { InvalidRequestError } from '../errors.ts';

// Every string of a chat request that can reach an upstream, for the input guardrails to read and
// rewrite. OpenAI-compatible upstreams get the request nearly as it came (unknown fields
// included), and the other providers translate parts of it, so everything is read except:
// - `model` (replaced by the routed model's id) and `metadata` (read by routing rules, never
//   forwarded; see shared/providers/openai.ts);
// - the protocol's own vocabulary, which the schema limits to fixed values: `role`, `type`,
//   image `detail`, and `tool_choice` when it is `none`, `auto` or `required`;
// - base64 payloads (an image or file as a `data:…;base64,` URL, `input_audio.data`): binary, not
//   text, and their random letters and digits would look like phone numbers or keys. A payload
//   that is not base64 is read like any other string.
// Field names are the API's in its own objects (messages, parts, tools, tool calls, response
// formats), and the caller's inside free-form JSON (tool parameter schemas, `json_schema.schema`,
// unknown fields such as `prediction`): there, names are read and rewritten as well.

/** Reads one string and returns what to send instead (the same string when nothing changes). */
export type StringVisitor = (text: string) => string;

const NOT_FORWARDED = new Set(['model', 'metadata']);
/** Fields whose string values the schema restricts to the protocol's vocabulary. */
const VOCABULARY = new Set(['role', 'type', 'detail', 'tool_choice']);
/** Fields holding objects (or arrays of objects) of the protocol itself, not free-form JSON. */
const PROTOCOL = new Set([
  'messages',
  'content',
  'image_url',
  'input_audio',
  'file',
  'tool_calls',
  'function',
  'tools',
  'tool_choice',
  'response_format',
  'json_schema',
  'stream_options',
]);

const BASE64_DATA_URL = /^data:[^,]{0,256};base64,/i;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;
/** Deeper JSON is refused rather than forwarded unread (and it would overflow the stack). */
const MAX_DEPTH = 128;

type Mode = 'protocol' | 'free';

interface Place {
  mode: Mode;
  /** The field holding the value (for array items, the array's field). */
  key: string | undefined;
  /** The field holding the object that holds the value. */
  parent: string | undefined;
  depth: number;
}

/** The request with `visit` applied to every forwarded string; the same object when nothing changed. */
export const mapForwardedStrings = (chat: ChatRequest, visit: StringVisitor): ChatRequest =>
  mapObject(chat, visit, { mode: 'protocol', key: undefined, parent: undefined, depth: 0 }) as ChatRequest;

/** Every forwarded string, in request order. */
export const forwardedStrings = (chat: ChatRequest): string[] => {
  const strings: string[] = [];
  mapForwardedStrings(chat, (text) => {
    strings.push(text);
    return text;
  });
  return strings;
};

const mapValue = (value: unknown, visit: StringVisitor, place: Place): unknown => {
  if (typeof value === 'string') return mapString(value, visit, place);
  if (typeof value !== 'object' || value === null) return value;
  if (place.depth >= MAX_DEPTH) {
    // No field name in the message: an unknown field's name is the caller's text, not the API's.
    throw new InvalidRequestError(`The request nests JSON more than ${MAX_DEPTH} levels deep; the guardrails cannot read it.`, {
      code: 'nesting_too_deep',
    });
  }
  if (!Array.isArray(value)) return mapObject(value as Record<string, unknown>, visit, place);
  let changed = false;
  const items = value.map((item: unknown) => {
    const next = mapValue(item, visit, { ...place, depth: place.depth + 1 });
    if (next !== item) changed = true;
    return next;
  });
  return changed ? items : value;
};

const mapString = (text: string, visit: StringVisitor, place: Place): string => {
  if (place.mode === 'protocol' && place.key !== undefined && VOCABULARY.has(place.key)) return text;
  const binary = (place.key === 'data' && place.parent === 'input_audio') || BASE64_DATA_URL.test(text);
  // `indexOf` is -1 for raw base64, so the whole string is the payload.
  if (binary && BASE64.test(text.slice(text.indexOf(',') + 1))) return text;
  return visit(text);
};

const mapObject = (object: Record<string, unknown>, visit: StringVisitor, place: Place): Record<string, unknown> => {
  let changed = false;
  const entries = Object.entries(object).map(([name, value]): [string, unknown] => {
    if (place.depth === 0 && NOT_FORWARDED.has(name)) return [name, value];
    const nextName = place.mode === 'free' ? visit(name) : name;
    const next = mapValue(value, visit, {
      mode: place.mode === 'protocol' && PROTOCOL.has(name) ? 'protocol' : 'free',
      key: name,
      parent: place.key,
      depth: place.depth + 1,
    });
    if (nextName !== name || next !== value) changed = true;
    return [nextName, next];
  });
  // fromEntries defines own properties, so a field named `__proto__` stays a field.
  return changed ? Object.fromEntries(entries) : object;
};
