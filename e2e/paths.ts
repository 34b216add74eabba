/** Where the e2e suite finds the repo, the fixtures and the built app. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesDir = process.env.FROST_FIXTURES ? resolve(process.env.FROST_FIXTURES) : resolve(repoDir, '..', 'shared', 'fixtures');
/** A queue input pipeline plus 17 variables in two data shards. */
export const irisFixture = join(fixturesDir, 'iris-estimator-queues-2shards');
