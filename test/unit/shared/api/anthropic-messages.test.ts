import { describe, expect, test } from 'vitest';
import {
  anthropicCountTokensRequestSchema,
  anthropicMessagesRequestSchema,
  anthropicPromptToChat,
  anthropicToChatRequest,
} from '#shared/api/anthropic-messages.ts';
import { InvalidRequestError } from '#shared/errors.ts';

const base = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const weather = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } };

/** The schema's output for a body, translated for `model`. */
const translate = (body: Record<string, unknown>, model = 'auto') =>
  anthropicToChatRequest(anthropicMessagesRequestSchema.parse({ ...base, ...body }), model);

const issues = (body: Record<string, unknown>) =>
  anthropicMessagesRequestSchema.safeParse(body).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

describe('anthropicMessagesRequestSchema', () => {
  test('accepts what SDKs and tools send besides the prompt (cache_control, thinking, service_tier)', () => {
    // Act
    const result = anthropicMessagesRequestSchema.safeParse({
      ...base,
      system: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      service_tier: 'auto',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }] },
      ],
    });

    // Assess
    expect(result.success).toBe(true);
  });

  test.each([
    {
      name: 'no max_tokens',
      body: { model: 'm', messages: base.messages },
      path: 'max_tokens',
      message: 'max_tokens is required',
    },
    {
      name: 'no messages',
      body: { model: 'm', max_tokens: 1, messages: [] },
      path: 'messages',
      message: 'messages must not be empty',
    },
    {
      name: 'a system role in messages',
      body: { ...base, messages: [{ role: 'system', content: 'x' }] },
      path: 'messages.0.role',
      message: 'a message role is user or assistant (the system prompt goes in `system`)',
    },
    {
      name: 'a tool_use block from the user',
      body: { ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }] },
      path: 'messages.0.content.0.type',
      message: 'a user content block is text, image, document or tool_result',
    },
    {
      name: 'a server tool',
      body: { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      path: 'tools.0.type',
      message:
        "server tool 'web_search_20250305' is not available through the router; define client tools (name, description, input_schema)",
    },
    {
      name: 'a client tool without input_schema',
      body: { ...base, tools: [{ name: 'get_weather' }] },
      path: 'tools.0.input_schema',
      message: 'required',
    },
    {
      name: 'a tool_choice naming no tool',
      body: { ...base, tools: [weather], tool_choice: { type: 'tool', name: 'delete_all' } },
      path: 'tool_choice',
      message: 'tool_choice names a tool that is not in tools',
    },
    { name: 'a temperature above 1', body: { ...base, temperature: 1.5 }, path: 'temperature', message: expect.any(String) },
  ])('refuses $name', ({ body, path, message }) => {
    // Assess
    expect(issues(body)).toContainEqual([path, message]);
  });
});

describe('anthropicToChatRequest', () => {
  test('maps the generation fields; top_k has no equivalent and is dropped', () => {
    // Act
    const chat = translate({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 5,
      stream: true,
      metadata: { user_id: 'u-1' },
    });

    // Assess
    expect(chat).toEqual({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 100,
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      stream: true,
      user: 'u-1',
    });
  });

  test('a system prompt in blocks becomes one system message per non-empty block', () => {
    // Act
    const chat = translate({
      system: [
        { type: 'text', text: 'One.' },
        { type: 'text', text: '' },
        { type: 'text', text: 'Two.' },
      ],
    });

    // Assess
    expect(chat.messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'One.' },
      { role: 'system', content: 'Two.' },
    ]);
  });

  test('images become image_url parts, base64 as a data URL', () => {
    // Act
    const chat = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'text', text: 'Compare.' },
          ],
        },
      ],
    });

    // Assess
    expect(chat.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'text', text: 'Compare.' },
        ],
      },
    ]);
  });

  test('documents: a PDF as an inline file, text and content sources as parts', () => {
    // Act
    const chat = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' }, title: 'r.pdf' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Body.' }, title: 'Notes' },
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Chunk.' }] } },
          ],
        },
      ],
    });

    // Assess
    expect(chat.messages[0]?.content).toEqual([
      { type: 'file', file: { filename: 'r.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
      { type: 'text', text: 'Notes\n\nBody.' },
      { type: 'text', text: 'Chunk.' },
    ]);
  });

  test.each([
    { name: 'a document by URL', block: { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } } },
    { name: 'a Files API image', block: { type: 'image', source: { type: 'file', file_id: 'file_1' } } },
  ])('refuses $name with a 400 naming the block', ({ block }) => {
    // Act
    const act = () => translate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, block] }] });

    // Assess
    expect(act).toThrow(InvalidRequestError);
    expect(act).toThrow(expect.objectContaining({ param: 'messages[0].content[1].source' }));
  });

  test('tool use: tool_use blocks become tool calls, tool results tool messages before the rest of the turn', () => {
    // Act
    const chat = translate({
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'two calls', signature: 's' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Also, be quick.' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'city not found', is_error: true },
          ],
        },
      ],
    });

    // Assess
    expect(chat.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: weather.input_schema } },
    ]);
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: city not found' },
      { role: 'user', content: [{ type: 'text', text: 'Also, be quick.' }] },
    ]);
  });

  test('an image in a tool result follows the tool message in a user message', () => {
    // Act
    const chat = translate({
      messages: [
        { role: 'user', content: 'Screenshot?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'shot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: 'Here.' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } },
              ],
            },
          ],
        },
      ],
    });

    // Assess
    expect(chat.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'shot', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'Here.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,QUJD' } }] },
    ]);
  });

  test('an assistant turn of thinking blocks only is left out', () => {
    // Act
    const chat = translate({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'xyz' }] },
        { role: 'user', content: 'b' },
      ],
    });

    // Assess
    expect(chat.messages.map((message) => message.role)).toEqual(['user', 'user']);
  });

  test.each([
    { choice: { type: 'auto' }, expected: { tool_choice: 'auto' } },
    { choice: { type: 'any' }, expected: { tool_choice: 'required' } },
    { choice: { type: 'none' }, expected: { tool_choice: 'none' } },
    {
      choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      expected: { tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false },
    },
  ])('tool_choice $choice.type becomes $expected.tool_choice', ({ choice, expected }) => {
    // Act
    const chat = translate({ tools: [weather], tool_choice: choice });

    // Assess
    expect(chat).toMatchObject(expected);
    if (!('parallel_tool_calls' in expected)) expect(chat).not.toHaveProperty('parallel_tool_calls');
  });

  test('output_config.format is structured output: response_format json_schema', () => {
    // Prepare
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };

    // Act
    const chat = translate({ output_config: { effort: 'low', format: { type: 'json_schema', schema } } });

    // Assess
    expect(chat.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
  });
});

describe('anthropicPromptToChat (count_tokens)', () => {
  test('translates the prompt only: no max_tokens is needed or set', () => {
    // Prepare
    const request = anthropicCountTokensRequestSchema.parse({
      model: 'claude-haiku-4-5',
      system: 'S.',
      tools: [weather],
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Act
    const chat = anthropicPromptToChat(request, 'auto');

    // Assess
    expect(chat).toEqual({
      model: 'auto',
      messages: [
        { role: 'system', content: 'S.' },
        { role: 'user', content: 'hi' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: weather.input_schema } }],
    });
  });
});
