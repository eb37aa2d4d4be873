/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Optional full MapLibre style; without it the map uses the offline city style. */
  readonly VITE_BASEMAP_STYLE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
