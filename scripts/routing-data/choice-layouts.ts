// Multiple-choice layouts shared by every multiple-choice source, cheap (CommonsenseQA, ARC-Easy)
// and strong (MMLU): a layout used by one label only would teach the model the layout.

export const choiceTemplates: readonly ((q: string, options: string[]) => string)[] = [
  (q: string, options: string[]) => `${q}\n${options.map((o, i) => `${String.fromCharCode(65 + i)}) ${o}`).join('\n')}`,
  (q: string, options: string[]) => `${q}\n\nOptions: ${options.join(', ')}`,
  (q: string, options: string[]) => `${q} (${options.join(' / ')})`,
  (q: string, options: string[]) =>
    `Question: ${q}\nChoices:\n${options.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}`).join('\n')}`,
];
