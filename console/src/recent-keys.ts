// Secrets of keys created in this tab, in memory only (never stored), so the playground can route
// as a key the operator just made. Gone on reload or sign-out, like the one-time secret itself.

export interface CreatedKey {
  id: string;
  name: string;
  tenant: string;
  secret: string;
}

const created: CreatedKey[] = [];

export const rememberKey = (key: CreatedKey): void => {
  created.unshift(key);
};

export const recentKeys = (): readonly CreatedKey[] => created;
