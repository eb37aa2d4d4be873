// The worker thread's entry (see embedded.ts). Node 20 does not give a worker thread the main
// thread's module hooks, so the worker registers tsx itself before loading its TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./embeddedWorker.ts');
