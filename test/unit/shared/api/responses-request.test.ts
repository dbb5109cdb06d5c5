import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { responsesRequestSchema, responsesToChat } from '#shared/api/responses-request.ts';

const chatOf = (body: Record<string, unknown>) => responsesToChat(responsesRequestSchema.parse({ model: 'auto', ...body }));

const issuesOf = (body: Record<string, unknown>) =>
  responsesRequestSchema
    .safeParse({ model: 'auto', input: 'hi', ...body })
    .error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object' } };

describe('responsesToChat', () => {
  test('a string input is one user message, after the instructions as a system message', () => {
    // Act
    const chat = chatOf({ input: 'Say hi', instructions: 'Be brief.' });

    // Assess
    expect(chat).toEqual({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
  });

  test('message items keep their roles; one text part is a string, parts otherwise; messages may leave out their type', () => {
    // Act
    const chat = chatOf({
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Rules.' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'https://x/a.png', detail: 'original' },
          ],
        },
        { role: 'assistant', content: [{ type: 'output_text', text: 'A cat.', annotations: [] }] },
        { role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,AA==' }] },
      ],
    });

    // Assess
    expect(chat.messages).toEqual([
      { role: 'developer', content: 'Rules.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'https://x/a.png' } },
        ],
      },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,AA==', filename: 'a.pdf' } }] },
    ]);
  });

  test('a refusal in a replayed answer stays a refusal part', () => {
    // Act
    const chat = chatOf({
      input: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ],
    });

    // Assess
    expect(chat.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] });
  });

  test('function calls join the assistant turn before them, and their outputs become tool messages; reasoning items are left out', () => {
    // Act
    const chat = chatOf({
      input: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        {
          type: 'message',
          role: 'assistant',
          id: 'msg_1',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Checking.' }],
        },
        {
          type: 'function_call',
          id: 'fc_1',
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          status: 'completed',
        },
        { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'rain' }] },
        { type: 'function_call', call_id: 'call_3', name: 'get_weather', arguments: '{}' },
      ],
    });

    // Assess
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: 'rain' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      },
    ]);
  });

  test('function tools in the chat shape; strict only when the client chose it', () => {
    // Act
    const chat = chatOf({
      input: 'x',
      tools: [
        { ...weather, description: 'Weather', strict: true },
        { type: 'function', name: 'lookup', parameters: null, description: null, strict: null },
      ],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
    });

    // Assess
    expect(chat).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: true },
        },
        { type: 'function', function: { name: 'lookup' } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
    });
    expect(chat.tools?.[1]?.function).toEqual({ name: 'lookup' });
  });

  test('allowed_tools narrows the tools to the listed ones, with its mode as the choice', () => {
    // Act
    const chat = chatOf({
      input: 'x',
      tools: [weather, { type: 'function', name: 'lookup' }],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'lookup' }] },
    });

    // Assess
    expect(chat.tools?.map((definition) => definition.function.name)).toEqual(['lookup']);
    expect(chat.tool_choice).toBe('required');
  });

  test('no tools: no tool fields at all (OpenAI refuses parallel_tool_calls without tools)', () => {
    // Act
    const chat = chatOf({ input: 'x', tool_choice: 'none', parallel_tool_calls: true });

    // Assess
    expect(chat).toEqual({ model: 'auto', messages: [{ role: 'user', content: 'x' }] });
  });

  test.each([
    { format: { type: 'text' }, expected: undefined },
    { format: { type: 'json_object' }, expected: { type: 'json_object' } },
    {
      format: { type: 'json_schema', name: 'person', schema: { type: 'object' }, strict: true, description: 'A person' },
      expected: {
        type: 'json_schema',
        json_schema: { name: 'person', schema: { type: 'object' }, strict: true, description: 'A person' },
      },
    },
  ])('text.format $format.type is response_format $expected.type', ({ format, expected }) => {
    // Act
    const chat = chatOf({ input: 'x', text: { format } });

    // Assess
    expect(chat.response_format).toEqual(expected);
  });

  test('caps, sampling, reasoning effort, user and metadata carry over; fields without a chat meaning do not', () => {
    // Act
    const chat = chatOf({
      input: 'x',
      max_output_tokens: 64,
      temperature: 0.3,
      top_p: 0.9,
      reasoning: { effort: 'low', summary: 'auto' },
      text: { verbosity: 'low' },
      user: 'u-1',
      metadata: { team: 'search' },
      stream: true,
      store: true,
      include: ['reasoning.encrypted_content'],
      truncation: 'auto',
      service_tier: 'flex',
    });

    // Assess
    expect(chat).toEqual({
      model: 'auto',
      messages: [{ role: 'user', content: 'x' }],
      max_completion_tokens: 64,
      temperature: 0.3,
      top_p: 0.9,
      reasoning_effort: 'low',
      verbosity: 'low',
      user: 'u-1',
      metadata: { team: 'search' },
      stream: true,
    });
  });

  test.each([
    { name: 'text input', body: { input: 'hi', instructions: 'x' } },
    {
      name: 'a tool conversation',
      body: {
        input: [
          { role: 'user', content: 'x' },
          { type: 'function_call', call_id: 'c', name: 'get_weather', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c', output: 'ok' },
        ],
        tools: [weather],
        tool_choice: 'required',
        text: { format: { type: 'json_schema', name: 'n', schema: {} } },
      },
    },
  ])('$name translates to a valid chat request', ({ body }) => {
    // Act
    const result = chatRequestSchema.safeParse(chatOf(body));

    // Assess
    expect(result.error?.issues).toBeUndefined();
  });
});

describe('responsesRequestSchema refuses, naming the field', () => {
  test.each([
    {
      name: 'previous_response_id',
      body: { previous_response_id: 'resp_1' },
      path: 'previous_response_id',
      message: /stateless.*instead of previous_response_id/,
    },
    { name: 'a conversation', body: { conversation: { id: 'conv_1' } }, path: 'conversation', message: /stateless/ },
    { name: 'a background run', body: { background: true }, path: 'background', message: /use stream: true/ },
    { name: 'a stored prompt', body: { prompt: { id: 'pmpt_1' } }, path: 'prompt', message: /instructions and input/ },
    {
      name: 'an item reference',
      body: { input: [{ type: 'item_reference', id: 'msg_1' }] },
      path: 'input.0.type',
      message: /store set to false/,
    },
    { name: 'an untyped item reference', body: { input: [{ id: 'msg_1' }] }, path: 'input.0.type', message: /item_reference/ },
    { name: 'an untyped item', body: { input: [{ call_id: 'x' }] }, path: 'input.0.type', message: /needs a type/ },
    {
      name: 'an unknown item type',
      body: { input: [{ type: 'mcp_call' }] },
      path: 'input.0.type',
      message: /'mcp_call' is not supported/,
    },
    {
      name: 'a tool role',
      body: { input: [{ role: 'tool', content: 'x' }] },
      path: 'input.0.role',
      message: /function_call_output/,
    },
    {
      name: 'an image by file id',
      body: { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] },
      path: 'input.0.content.0.image_url',
      message: /file_id is not supported/,
    },
    {
      name: 'an image in a system message',
      body: { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'x' }] }] },
      path: 'input.0.content.0.type',
      message: /not allowed in a system/,
    },
    {
      name: 'an image in a tool output',
      body: { input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'x' }] }] },
      path: 'input.0.output.0.type',
      message: /use input_text/,
    },
    {
      name: 'an empty content',
      body: { input: [{ role: 'user', content: [] }] },
      path: 'input.0.content',
      message: /must not be empty/,
    },
    { name: 'an empty input', body: { input: [] }, path: 'input', message: /must not be empty/ },
    {
      name: 'reasoning items alone',
      body: { input: [{ type: 'reasoning', summary: [] }] },
      path: 'input',
      message: /no message/,
    },
    { name: 'a hosted tool', body: { tools: [{ type: 'file_search' }] }, path: 'tools.0.type', message: /only function tools/ },
    {
      name: 'a bad function name',
      body: { tools: [{ type: 'function', name: 'get weather' }] },
      path: 'tools.0.name',
      message: /1-64 letters/,
    },
    {
      name: 'an unknown forced function',
      body: { tools: [weather], tool_choice: { type: 'function', name: 'other' } },
      path: 'tool_choice',
      message: /'other', which is not in tools/,
    },
    {
      name: 'an unknown allowed tool',
      body: { tools: [weather], tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'x' }] } },
      path: 'tool_choice',
      message: /'x'/,
    },
    {
      name: 'an unknown text format',
      body: { text: { format: { type: 'xml' } } },
      path: 'text.format.type',
      message: /text, json_object or json_schema/,
    },
  ])('$name', ({ body, path, message }) => {
    // Act
    const issues = issuesOf(body);

    // Assess
    expect(issues).toEqual([[path, expect.stringMatching(message)]]);
  });

  test('a missing model says what to send', () => {
    // Act
    const result = responsesRequestSchema.safeParse({ input: 'hi' });

    // Assess
    expect(result.error?.issues[0]?.message).toMatch(/model is required/);
  });
});
