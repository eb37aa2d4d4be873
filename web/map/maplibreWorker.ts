import { setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// maplibre-gl 6 locates its worker relative to its own module; once Vite bundles it that file is
// gone and the worker 404s, so point it at the copy Vite emits as an asset.
setWorkerUrl(workerUrl);
