/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the Temporal Web UI (the dev stack's: http://localhost:8233). */
  readonly VITE_TEMPORAL_UI_URL?: string;
  /** Temporal namespace of the workflows (LABFORGE_TEMPORAL_NAMESPACE; default "default"). */
  readonly VITE_TEMPORAL_NAMESPACE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
