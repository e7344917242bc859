/**
 * The OpenAI HTTP API as this cluster speaks it: the shape of the request bodies (checked by the HTTP layer), their
 * translation into the contract's InferenceRequest (whose schema is the one home of the value limits: temperature,
 * top_p, stop, max_tokens), and the response objects and stream chunks that OpenAI clients expect.
 *
 * Fields that mean nothing here (user, seed, penalties, logit_bias, ...) are accepted and ignored, as other
 * OpenAI-compatible servers do. Fields whose silent omission would mislead a caller (tools, n > 1, logprobs, echo,
 * suffix, a JSON response format) are refused with a 400 that names them.
 */
import { InferenceRequestSchema, type InferenceRequest } from '../../../generated/index.js';

/** A 400 the caller can fix: what is wrong and which body field (`param`, in OpenAI's dotted form). */
export class InvalidRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null,
    readonly code = 'invalid_value',
  ) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

const message = {
  type: 'object',
  required: ['role', 'content'],
  properties: {
    role: { type: 'string' },
    content: {
      anyOf: [
        { type: 'string' },
        { type: 'null' },
        { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, text: { type: 'string' } } } },
      ],
    },
    name: { type: 'string' },
  },
} as const;

const common = {
  model: { type: 'string', minLength: 1 },
  stream: { type: 'boolean' },
  max_tokens: { type: ['integer', 'null'] },
  temperature: { type: ['number', 'null'] },
  top_p: { type: ['number', 'null'] },
  n: { type: ['integer', 'null'] },
  stop: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }] },
  stream_options: { type: ['object', 'null'] },
} as const;

/** Shape of a `POST /v1/chat/completions` body (values are checked after translation). */
export const chatBodySchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    ...common,
    messages: { type: 'array', minItems: 1, items: message },
    max_completion_tokens: { type: ['integer', 'null'] },
  },
} as const;

/** Shape of a `POST /v1/completions` body. */
export const completionBodySchema = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    ...common,
    prompt: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  },
} as const;

interface ContentPart {
  type: string;
  text?: string;
}
export interface ChatMessage {
  role: string;
  content: string | null | ContentPart[];
  name?: string;
}

interface CommonBody {
  model: string;
  stream?: boolean;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  stream_options?: { include_usage?: boolean } | null;
  [ignored: string]: unknown;
}

export interface ChatBody extends CommonBody {
  messages: ChatMessage[];
  max_completion_tokens?: number | null;
}

export interface CompletionBody extends CommonBody {
  prompt: string | string[];
}

/** Which API a request came through: it decides the response objects. */
export type ApiKind = 'chat' | 'completion';

/** Contract field -> OpenAI body field, to name the right `param` when the contract's schema refuses a value. */
const PARAM_OF: Readonly<Record<string, string>> = {
  modelId: 'model',
  maxTokens: 'max_tokens',
  topP: 'top_p',
  prompt: 'prompt',
  messages: 'messages',
  sessionId: 'x-mlx-session',
};

/** Refuses what would mislead if ignored; names the field. */
function refuseUnsupported(body: Record<string, unknown>, kind: ApiKind): void {
  const refuse = (param: string, why: string): never => {
    throw new InvalidRequestError(`${param} is not supported by this server: ${why}.`, param, 'unsupported_parameter');
  };
  if (body.n !== undefined && body.n !== null && body.n !== 1) refuse('n', 'it returns one choice per request; send n: 1 or leave it out');
  for (const field of ['tools', 'functions']) {
    if (Array.isArray(body[field]) && body[field].length > 0) refuse(field, 'the workers run plain text generation without tool calling');
  }
  if (body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== false) refuse('logprobs', 'the workers do not report token probabilities');
  const format = body.response_format as { type?: unknown } | undefined | null;
  if (format !== undefined && format !== null && format.type !== 'text')
    refuse('response_format', 'only {"type": "text"} is available; the output is not constrained to JSON');
  if (kind === 'completion') {
    if (body.echo === true) refuse('echo', 'the prompt is not echoed back');
    if (typeof body.suffix === 'string' && body.suffix !== '') refuse('suffix', 'insertion is not available');
    if (typeof body.best_of === 'number' && body.best_of > 1) refuse('best_of', 'one completion is generated per request');
  }
}

/** The text of a message's content: a string, or the text parts of an array (other parts are refused). */
function textOf(content: ChatMessage['content'], index: number): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, at) => {
      if (part.type !== 'text' || typeof part.text !== 'string') {
        throw new InvalidRequestError(
          `messages[${index}].content[${at}] is a ${part.type} part; the workers take text parts only.`,
          `messages[${index}].content[${at}].type`,
        );
      }
      return part.text;
    })
    .join('');
}

/** Renders a conversation as one prompt, for engines that take a single text. */
export function renderPrompt(messages: readonly { role: string; content: string }[]): string {
  return `${messages.map((m) => `${m.role}: ${m.content}`).join('\n')}\nassistant:`;
}

/** Options shared by both APIs, in the contract's names; absent and null mean "the worker's default". */
function sampling(body: CommonBody, maxTokens: number | null | undefined): Partial<InferenceRequest> {
  const out: Partial<InferenceRequest> = {};
  if (maxTokens !== undefined && maxTokens !== null) out.maxTokens = maxTokens;
  if (body.temperature !== undefined && body.temperature !== null) out.temperature = body.temperature;
  if (body.top_p !== undefined && body.top_p !== null) out.topP = body.top_p;
  if (body.stop !== undefined && body.stop !== null) out.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  return out;
}

/** Checks the translated request against the contract, and reports a refused value under its OpenAI name. */
function checked(request: InferenceRequest): InferenceRequest {
  const result = InferenceRequestSchema.safeParse(request);
  if (result.success) return request;
  const issue = result.error.issues[0];
  const [field, ...rest] = issue?.path ?? [];
  const param = [PARAM_OF[String(field)] ?? String(field), ...rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))]
    .join('')
    .replace(/\.\[/g, '[');
  throw new InvalidRequestError(`${param}: ${issue?.message ?? 'invalid value'}.`, param);
}

/** A chat completion body as the contract's InferenceRequest. Throws {@link InvalidRequestError}. */
export function fromChatBody(body: ChatBody, requestId: string, sessionId?: string): InferenceRequest {
  refuseUnsupported(body, 'chat');
  const messages = body.messages.map((m, index) => {
    const out: { role: string; content: string; name?: string } = { role: m.role, content: textOf(m.content, index) };
    if (m.name !== undefined) out.name = m.name;
    return out;
  });
  const request = {
    requestId,
    modelId: body.model,
    prompt: renderPrompt(messages),
    messages,
    ...sampling(body, body.max_completion_tokens ?? body.max_tokens),
    ...(sessionId === undefined ? {} : { sessionId }),
  } as InferenceRequest;
  return checked(request);
}

/** A text completion body as the contract's InferenceRequest. Throws {@link InvalidRequestError}. */
export function fromCompletionBody(body: CompletionBody, requestId: string, sessionId?: string): InferenceRequest {
  refuseUnsupported(body, 'completion');
  let prompt = body.prompt;
  if (Array.isArray(prompt)) {
    if (prompt.length !== 1) throw new InvalidRequestError('prompt must be one text (or a list of exactly one); send one request per prompt.', 'prompt');
    prompt = prompt[0] as string;
  }
  return checked({ requestId, modelId: body.model, prompt, ...sampling(body, body.max_tokens), ...(sessionId === undefined ? {} : { sessionId }) });
}

/** Why the generation ended, in OpenAI's terms: `length` when it used every token it was allowed. */
export function finishReason(request: InferenceRequest, totalTokens: number): 'stop' | 'length' {
  return request.maxTokens !== undefined && totalTokens >= request.maxTokens ? 'length' : 'stop';
}

/** The `id` of a response: OpenAI's prefix and the cluster's request id, so logs on both sides match. */
export function responseId(kind: ApiKind, requestId: string): string {
  return `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${requestId}`;
}

/** Seconds since the epoch, as OpenAI's `created`. */
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** One chunk of a stream: a token (`text`), or the last chunk with the finish reason and an empty delta. */
export function streamChunk(kind: ApiKind, id: string, model: string, text: string | undefined, finish: 'stop' | 'length' | null, first = false): object {
  if (kind === 'chat') {
    const delta = text === undefined ? {} : first ? { role: 'assistant', content: text } : { content: text };
    return { id, object: 'chat.completion.chunk', created: nowSeconds(), model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  }
  return { id, object: 'text_completion', created: nowSeconds(), model, choices: [{ index: 0, text: text ?? '', logprobs: null, finish_reason: finish }] };
}

/** The whole response of a request that did not ask to stream. */
export function completeResponse(kind: ApiKind, id: string, model: string, text: string, finish: 'stop' | 'length'): object {
  if (kind === 'chat') {
    return {
      id,
      object: 'chat.completion',
      created: nowSeconds(),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish }],
    };
  }
  return { id, object: 'text_completion', created: nowSeconds(), model, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }] };
}
