/** May this key ask for this model or alias? Keys without a `models` list may use all. */
export const keyAllows = (models: readonly string[] | undefined, name: string): boolean =>
  models === undefined || models.includes(name);
