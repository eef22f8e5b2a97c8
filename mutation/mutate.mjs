// What each pass of npm run mutation changes; a file is in exactly one pass.

/** The schema as declared: its rules, and the names the Actions and the rules share. */
export const SECURITY_MUTATE = [
  'fauna/roles.ts',
  'fauna/functions.ts',
  'fauna/indexes.ts',
  'fauna/collections.ts',
  'fauna/owned-collections.ts',
  'fauna/app-data.ts',
  'fauna/field-rules.ts',
  'fauna/definitions.ts',
  'fauna/schema.ts',
  'actions/lib/schema-names.ts',
];

/** Everything else on the login path, setup's planning and the deploy. */
export const CODE_MUTATE = [
  'actions/**/*.ts',
  '!actions/**/*.d.ts',
  'fauna/**/*.ts',
  'scripts/deploy/**/*.ts',
  ...SECURITY_MUTATE.map((file) => `!${file}`),
];
