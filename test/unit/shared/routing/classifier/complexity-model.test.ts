import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { createComplexityModel, ModelFileError } from '#shared/routing/classifier/complexity-model.ts';
import { extractFeatures } from '#shared/routing/features.ts';
import { handMadeModel } from '#test/fixtures/routing-model.ts';

const score = (model: ReturnType<typeof createComplexityModel>, text: string, system?: string): number => {
  const request = chatRequestSchema.parse({
    model: 'auto',
    messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: text }],
  });
  return model.score(request, extractFeatures(request));
};

describe('createComplexityModel', () => {
  test('scores with its weights: words weighted up raise P(strong), words weighted down lower it', () => {
    // Prepare
    const model = createComplexityModel(handMadeModel({ prove: 3, theorem: 3, translate: -3 }));

    // Act
    const hard = score(model, 'prove the theorem');
    const easy = score(model, 'translate the sentence');
    const neutral = score(model, 'the sentence');

    // Assess
    expect(hard).toBeGreaterThan(0.9);
    expect(easy).toBeLessThan(0.25);
    expect(neutral).toBe(0.5);
    expect(model.version).toBe('test-model');
  });

  test('only the task counts for task words: the same word in the system prompt is another feature', () => {
    // Prepare
    const model = createComplexityModel(handMadeModel({ prove: 3 }));

    // Assess
    expect(score(model, 'hello', 'prove')).toBe(0.5);
  });

  test('a file that names its namespaces is scored with those only; one without reads all of them', () => {
    // Prepare
    const words = { prove: 3 };
    const withoutTaskWords = createComplexityModel(handMadeModel(words, { namespaces: ['systemWords', 'taskEnd'] }));
    const withTaskWords = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'] }));
    const unnamed = createComplexityModel(handMadeModel(words));

    // Assess
    expect(score(withoutTaskWords, 'hello prove world')).toBe(0.5);
    expect(score(withTaskWords, 'hello prove world')).toBeGreaterThan(0.5);
    expect(score(unnamed, 'hello prove world')).toBe(score(withTaskWords, 'hello prove world'));
  });

  test("a file's lengthPower sets how much a word counts in a long task; a file without it weighs as the first models did (0.5)", () => {
    // Prepare: one weighted word among 40 unweighted ones (81 word and pair features).
    const words = { prove: 3 };
    const long = `prove ${'and the '.repeat(20)}`;
    const first = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'] }));
    const half = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'], lengthPower: 0.5 }));
    const mean = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'], lengthPower: 1 }));

    // Act
    const [firstScore, halfScore, meanScore] = [first, half, mean].map((model) => score(model, long));

    // Assess: 3/sqrt(81) = 0.33 -> 0.583; 3/81 = 0.037 -> 0.509.
    expect(halfScore).toBe(0.583);
    expect(firstScore).toBe(halfScore);
    expect(meanScore).toBe(0.509);
  });

  test("a file's taskCut decides what of a long message is the task: whole edge paragraphs leave out the pasted middle", () => {
    // Prepare: a short question, a long pasted paragraph full of a weighted word, a short sign-off.
    const words = { theorem: 3 };
    const message = `Which state's law governs this agreement?\n\n${'theorem clause '.repeat(200)}\n\nThanks!`;
    const chars = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'] }));
    const paragraphs = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'], taskCut: 'edgeParagraphs' }));

    // Assess: the first models read the message's first 500 characters, most of them pasted.
    expect(score(chars, message)).toBeGreaterThan(0.6);
    expect(score(paragraphs, message)).toBe(0.5);
  });

  test('a side of a long message without a short paragraph keeps its characters: a question closing a long paragraph is still read', () => {
    // Prepare: a short heading, then one long paragraph that ends with the (weighted) question.
    const words = { theorem: 3 };
    const message = `Quarterly report FY2023\n\n${'revenue grew in every region '.repeat(100)}so which theorem applies?`;
    const paragraphs = createComplexityModel(handMadeModel(words, { namespaces: ['taskWords'], taskCut: 'edgeParagraphs' }));

    // Assess
    expect(score(paragraphs, message)).toBeGreaterThan(0.5);
  });

  test('a file naming a namespace this router does not compute is refused', () => {
    // Act
    const load = () =>
      createComplexityModel(JSON.parse(JSON.stringify({ ...handMadeModel({}), namespaces: ['taskEmbeddings'] })), 'x.json');

    // Assess
    expect(load).toThrow(ModelFileError);
    expect(load).toThrow(/namespaces/);
  });

  test('thresholdForShare reads the stored percentiles, interpolating between them', () => {
    // Prepare: uniform percentiles, so the threshold for share s is 1 - s.
    const model = createComplexityModel(handMadeModel({}));

    // Assess
    expect(model.thresholdForShare(0.3)).toBeCloseTo(0.7);
    expect(model.thresholdForShare(0.255)).toBeCloseTo(0.745);
  });

  test.each([
    { name: 'a wrong format', file: { ...handMadeModel({}), format: 'something-else' }, problem: /format/ },
    {
      name: 'weights that do not match their checksum',
      file: { ...handMadeModel({}), weightsSha256: '0'.repeat(64) },
      problem: /checksum/,
    },
    { name: 'fewer weights than dims', file: { ...handMadeModel({}), dims: 2048 }, problem: /1024 weights for 2048 dims/ },
    { name: 'dims not a power of two', file: { ...handMadeModel({}), dims: 1500 }, problem: /power of two/ },
    { name: 'other dense features', file: { ...handMadeModel({}), denseNames: ['x'], dense: [0] }, problem: /retrain/ },
    { name: 'a missing calibration', file: { ...handMadeModel({}), calibration: undefined }, problem: /calibration/ },
    { name: 'not an object', file: 'weights', problem: /root|expected object/ },
  ])('a file with $name is refused with a ModelFileError saying so', ({ file, problem }) => {
    // Act
    const act = () => createComplexityModel(file, 'models/routing/broken.json');

    // Assess
    expect(act).toThrow(ModelFileError);
    expect(act).toThrow(/^The routing model models\/routing\/broken\.json cannot be used: /);
    expect(act).toThrow(problem);
  });
});
