import { createOpenAI } from '@ai-sdk/openai';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, streamObject, streamText, tool } from 'ai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';
import { type Harness, startHarness } from './harness.ts';

// Every client feature, shown with no provider key: the built-in `mock-small` model calls tools
// when asked, answers their results, returns JSON valid for the client's schema and `n` choices,
// JSON and streamed, through the official clients' own helpers (which validate what they get).

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness();
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

const Recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(12),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number().positive() })).min(2),
  steps: z.array(z.string()).min(3),
});

const Weather = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) });

describe('the openai SDK', () => {
  test('chat.completions.parse with zodResponseFormat: parsed and valid', async () => {
    // Act
    const completion = await harness.client(key).chat.completions.parse({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'A lasagna recipe' }],
      response_format: zodResponseFormat(Recipe, 'recipe'),
    });

    // Assess
    const parsed = completion.choices[0]?.message.parsed;
    expect(Recipe.parse(parsed)).toMatchObject({ name: 'A lasagna recipe', servings: 1, difficulty: 'easy' });
    expect(parsed?.steps).toEqual(['steps 1', 'steps 2', 'steps 3']);
  });

  test('a streamed structured answer: the stream helper parses the final completion', async () => {
    // Act
    const stream = harness.client(key).chat.completions.stream({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'A lasagna recipe' }],
      response_format: zodResponseFormat(Recipe, 'recipe'),
    });
    let deltas = 0;
    stream.on('content.delta', () => {
      deltas += 1;
    });
    const final = await stream.finalChatCompletion();

    // Assess
    expect(deltas).toBeGreaterThan(5);
    expect(Recipe.safeParse(final.choices[0]?.message.parsed).success).toBe(true);
  });

  test('tools round trip: runTools calls the function with valid arguments, then gets an answer with its result', async () => {
    // Prepare
    const calls: Array<z.infer<typeof Weather>> = [];

    // Act
    const runner = harness.client(key).chat.completions.runTools({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        zodFunction({
          name: 'get_weather',
          parameters: Weather,
          function: (args) => {
            calls.push(args);
            return { temperature: 21, sky: 'clear' };
          },
        }),
      ],
    });
    const text = await runner.finalContent();

    // Assess
    expect(calls).toEqual([{ city: 'What is the weather in Paris?', unit: 'celsius' }]);
    expect(text).toBe('This is a mock reply from mock-small. get_weather returned: {"temperature":21,"sky":"clear"}');
  });

  test('a streamed tool call is assembled by the SDK, with tool_choice naming the function', async () => {
    // Act
    const stream = harness.client(key).chat.completions.stream({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [zodFunction({ name: 'get_weather', parameters: Weather })],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const final = await stream.finalChatCompletion();

    // Assess
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.parsed_arguments : undefined).toEqual({ city: 'Hello', unit: 'celsius' });
  });

  test('tool_choice none: text even when the prompt names the tool', async () => {
    // Act
    const completion = await harness.client(key).chat.completions.create({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [zodFunction({ name: 'get_weather', parameters: Weather })],
      tool_choice: 'none',
    });

    // Assess
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]?.message.content).toContain('You said');
  });

  test('n: 2, JSON and streamed, with usage for both choices', async () => {
    // Act
    const completion = await harness.client(key).chat.completions.create({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'Name a color' }],
      n: 2,
    });
    const stream = await harness.client(key).chat.completions.create({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'Name a color' }],
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const streamed = ['', ''];
    let usage: unknown;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) streamed[choice.index] += choice.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }

    // Assess
    const contents = completion.choices.map((choice) => choice.message.content);
    expect(contents).toEqual([
      'This is a mock reply from mock-small (choice 1 of 2). You said: "Name a color"',
      'This is a mock reply from mock-small (choice 2 of 2). You said: "Name a color"',
    ]);
    expect(streamed).toEqual(contents);
    expect(usage).toEqual(completion.usage);
  });

  test('the same request gets the same answer and usage', async () => {
    // Prepare
    const body = {
      model: 'mock-small',
      messages: [{ role: 'user' as const, content: 'A lasagna recipe' }],
      response_format: zodResponseFormat(Recipe, 'recipe'),
    };

    // Act
    const [a, b] = await Promise.all([
      harness.client(key).chat.completions.create(body),
      harness.client(key).chat.completions.create(body),
    ]);

    // Assess
    expect(b.choices).toEqual(a.choices);
    expect(b.usage).toEqual(a.usage);
  });
});

describe('the Vercel AI SDK (chat completions)', () => {
  const model = () => createOpenAI({ baseURL: `${harness.router.url}/v1`, apiKey: key }).chat('mock-small');

  test('generateObject with a zod schema', async () => {
    // Act
    const { object, usage } = await generateObject({ model: model(), schema: Recipe, prompt: 'A lasagna recipe', maxRetries: 0 });

    // Assess
    expect(Recipe.parse(object).name).toBe('A lasagna recipe');
    expect(usage.outputTokens).toBeGreaterThan(0);
  });

  test('streamObject: partial objects, then the whole one', async () => {
    // Act
    const result = streamObject({ model: model(), schema: Recipe, prompt: 'A lasagna recipe', maxRetries: 0 });
    let partials = 0;
    for await (const _partial of result.partialObjectStream) partials += 1;

    // Assess
    expect(partials).toBeGreaterThan(3);
    expect(Recipe.safeParse(await result.object).success).toBe(true);
  });

  test('generateText with tools: the SDK runs the tool, the model answers with its result', async () => {
    // Act
    const result = await generateText({
      model: model(),
      prompt: 'What is the weather in Paris?',
      tools: {
        weather: tool({
          description: 'The weather in a city',
          inputSchema: Weather,
          execute: async ({ city }) => ({ city, sky: 'sunny' }),
        }),
      },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });

    // Assess
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls).toMatchObject([
      { toolName: 'weather', input: { city: 'What is the weather in Paris?', unit: 'celsius' } },
    ]);
    expect(result.text).toBe(
      'This is a mock reply from mock-small. weather returned: {"city":"What is the weather in Paris?","sky":"sunny"}',
    );
  });

  test('streamText with a required tool', async () => {
    // Act
    const result = streamText({
      model: model(),
      prompt: 'Hello',
      tools: { weather: tool({ inputSchema: Weather }) },
      toolChoice: 'required',
      maxRetries: 0,
    });

    // Assess
    expect(await result.toolCalls).toMatchObject([{ toolName: 'weather', input: { city: 'Hello', unit: 'celsius' } }]);
    expect(await result.finishReason).toBe('tool-calls');
  });
});

describe('LangChain ChatOpenAI (chat completions)', () => {
  const chatModel = () =>
    new ChatOpenAI({ model: 'mock-small', apiKey: key, configuration: { baseURL: `${harness.router.url}/v1` }, maxRetries: 0 });

  test.each(['jsonSchema', 'functionCalling', 'jsonMode'] as const)('withStructuredOutput, method %s', async (method) => {
    // Act
    const recipe = await chatModel()
      .withStructuredOutput(method === 'jsonMode' ? z.object({ reply: z.string() }) : Recipe, { name: 'recipe', method })
      .invoke('A lasagna recipe');

    // Assess
    if (method === 'jsonMode')
      expect(recipe).toEqual({ reply: 'This is a mock reply from mock-small. You said: "A lasagna recipe"' });
    else expect(Recipe.parse(recipe).name).toBe('A lasagna recipe');
  });

  test('bindTools: a call with valid args, then the answer to its result', async () => {
    // Prepare
    const model = chatModel().bindTools([
      { type: 'function', function: { name: 'get_weather', description: 'The weather', parameters: z.toJSONSchema(Weather) } },
    ]);
    const question = new HumanMessage('What is the weather in Oslo?');

    // Act
    const call = await model.invoke([question]);
    const toolCall = call.tool_calls?.[0];
    const answer = await model.invoke([question, call, new ToolMessage({ tool_call_id: toolCall?.id ?? '', content: 'snow' })]);

    // Assess
    expect(Weather.parse(toolCall?.args)).toEqual({ city: 'What is the weather in Oslo?', unit: 'celsius' });
    expect(answer).toBeInstanceOf(AIMessage);
    expect(answer.tool_calls).toEqual([]);
    expect(answer.text).toBe('This is a mock reply from mock-small. get_weather returned: snow');
  });

  test('streamed tool call chunks are put together', async () => {
    // Prepare
    const model = chatModel().bindTools(
      [{ type: 'function', function: { name: 'get_weather', parameters: z.toJSONSchema(Weather) } }],
      {
        tool_choice: 'required',
      },
    );

    // Act
    let merged: Awaited<ReturnType<typeof model.invoke>> | undefined;
    for await (const chunk of await model.stream('Hello')) merged = merged === undefined ? chunk : merged.concat(chunk);

    // Assess
    expect(merged?.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Hello', unit: 'celsius' } }]);
  });
});
