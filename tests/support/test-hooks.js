// Collects the app's DOM events into window.__mueang for the browser tests (see test-hooks.ts).
(() => {
  const empty = () => ({ zones: 0, communities: 0, projects: 0, sites: 0, trucks: 0, sensors: 0, parcels: 0 });
  const status = { ready: false, layers: empty(), errors: [], floodCues: 0 };
  window.__mueang = status;
  // Conditions a test waits on, checked again after every event: no polling.
  const waiting = new Set();
  status.until = (condition) =>
    new Promise((resolve) => {
      if (condition(status)) return resolve();
      waiting.add({ condition, resolve });
    });
  const on = (name, listener) =>
    window.addEventListener(name, (event) => {
      listener(event.detail);
      for (const waiter of waiting) {
        if (waiter.condition(status)) {
          waiting.delete(waiter);
          waiter.resolve();
        }
      }
    });
  on('mueang:page', () => {
    status.ready = false;
    status.readyAt = undefined;
    status.layers = empty();
  });
  on('mueang:ready', () => {
    status.ready = true;
    status.readyAt = performance.now();
  });
  on('mueang:layers', (detail) => {
    status.layers = { ...detail };
  });
  on('mueang:error', (detail) => {
    if (!status.errors.includes(String(detail))) status.errors.push(String(detail));
  });
  on('mueang:flood-cue', () => {
    status.floodCues++;
  });
  on('mueang:map', (detail) => {
    const map = detail.map;
    status.view = (lon, lat, zoom) => map.jumpTo({ center: [lon, lat], zoom });
    status.project = (lon, lat) => {
      const point = map.project([lon, lat]);
      const box = map.getContainer().getBoundingClientRect();
      return [box.left + point.x, box.top + point.y];
    };
  });
  status.select = (kind, id) => {
    const request = { kind, id, found: false };
    window.dispatchEvent(new CustomEvent('mueang:select', { detail: request }));
    return request.found;
  };
})();
