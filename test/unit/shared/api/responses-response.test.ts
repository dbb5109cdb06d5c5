import { describe, expect, test } from 'vitest';
import type { ChatCompletion, FinishReason, Usage } from '#shared/api/chat-response.ts';
import { responsesRequestSchema } from '#shared/api/responses-request.ts';
import { completionToResponse, responseIds } from '#shared/api/responses-response.ts';

const USAGE: Usage = { promptTokens: 20, completionTokens: 5, cachedTokens: 4, estimated: false };
const ids = responseIds('7f1c0c7e-5a1b-4c1e-9d2f-0123456789ab');
const request = responsesRequestSchema.parse({ model: 'auto', input: 'hi' });

const completion = (
  message: ChatCompletion['choices'][number]['message'],
  finishReason: FinishReason = 'stop',
): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'mock-small',
  choices: [{ index: 0, message, finish_reason: finishReason }],
});

describe('completionToResponse', () => {
  test('a text answer is one completed message, with the usage and ids from the request id', () => {
    // Act
    const response = completionToResponse(completion({ role: 'assistant', content: 'Hello.' }), USAGE, request, ids);

    // Assess
    expect(response).toMatchObject({
      id: 'resp_7f1c0c7e5a1b4c1e9d2f0123456789ab',
      object: 'response',
      created_at: 1_700_000_000,
      status: 'completed',
      incomplete_details: null,
      model: 'mock-small',
      output: [
        {
          id: 'msg_7f1c0c7e5a1b4c1e9d2f0123456789ab_0',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello.', annotations: [], logprobs: [] }],
        },
      ],
      usage: {
        input_tokens: 20,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 25,
      },
      store: false,
      previous_response_id: null,
    });
  });

  test('tool calls are function_call items after the text, with no empty message when there is no text', () => {
    // Prepare
    const calls = [{ id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } }];

    // Act
    const withText = completionToResponse(
      completion({ role: 'assistant', content: 'Let me check.', tool_calls: calls }, 'tool_calls'),
      USAGE,
      request,
      ids,
    );
    const callsOnly = completionToResponse(
      completion({ role: 'assistant', content: null, tool_calls: calls }, 'tool_calls'),
      USAGE,
      request,
      ids,
    );

    // Assess
    expect(withText.output.map((item) => [item.type, item.id])).toEqual([
      ['message', 'msg_7f1c0c7e5a1b4c1e9d2f0123456789ab_0'],
      ['function_call', 'fc_7f1c0c7e5a1b4c1e9d2f0123456789ab_1'],
    ]);
    expect(callsOnly.output).toEqual([
      {
        id: 'fc_7f1c0c7e5a1b4c1e9d2f0123456789ab_0',
        type: 'function_call',
        status: 'completed',
        arguments: '{}',
        call_id: 'call_1',
        name: 'f',
      },
    ]);
  });

  test('a refusal is a refusal part; an empty answer is still one message', () => {
    // Act
    const refused = completionToResponse(completion({ role: 'assistant', content: null, refusal: 'No.' }), USAGE, request, ids);
    const empty = completionToResponse(completion({ role: 'assistant', content: null }), USAGE, request, ids);

    // Assess
    expect(refused.output[0]).toMatchObject({ content: [{ type: 'refusal', refusal: 'No.' }] });
    expect(empty.output[0]).toMatchObject({ content: [{ type: 'output_text', text: '' }] });
  });

  test.each([
    { finish: 'length' as const, reason: 'max_output_tokens' },
    { finish: 'content_filter' as const, reason: 'content_filter' },
  ])('finish_reason $finish is an incomplete response ($reason) with an incomplete message', ({ finish, reason }) => {
    // Act
    const response = completionToResponse(completion({ role: 'assistant', content: 'Cut' }, finish), USAGE, request, ids);

    // Assess
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason });
    expect(response.output[0]?.status).toBe('incomplete');
  });

  test('the request is echoed: instructions, caps, sampling, tools, format and metadata', () => {
    // Prepare
    const echoed = responsesRequestSchema.parse({
      model: 'auto',
      input: 'hi',
      instructions: 'Be brief.',
      max_output_tokens: 9,
      temperature: 0.5,
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      text: { format: { type: 'json_object' } },
      user: 'u',
      metadata: { a: 'b' },
    });

    // Act
    const response = completionToResponse(completion({ role: 'assistant', content: '{}' }), USAGE, echoed, ids);

    // Assess
    expect(response).toMatchObject({
      instructions: 'Be brief.',
      max_output_tokens: 9,
      temperature: 0.5,
      top_p: null,
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      text: { format: { type: 'json_object' } },
      user: 'u',
      metadata: { a: 'b' },
    });
  });
});
