// The tests' client is the one the scripts use too: one cookie jar, one typed client.
export * from '../../scripts/lib/client.ts';
