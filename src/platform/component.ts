/**
 * The contract every Grunnmur component fulfils. The CLI builds the list of components to
 * serve (all, or `--only a,b`), runs their migrations, calls `onStart`, and registers each
 * `plugin` in its own encapsulated Fastify context.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ComponentMigration } from './db/migrations.ts';
import type { Platform } from './platform.ts';

/** Text in Norwegian bokmål and English (nynorsk optional where the real service offers it). */
export interface LocalizedText {
  nb: string;
  en: string;
  nn?: string;
}

/** A link the front page shows for a component. */
export interface ComponentLink {
  kind: 'page' | 'api' | 'openapi' | 'discovery' | 'jwks';
  label: LocalizedText;
  href: string;
  /**
   * Shown on the front page only when `GRUNNMUR_MODE=test`: for routes that answer 404
   * `PLATFORM_TEST_MODE_ONLY` in production.
   */
  testOnly?: boolean;
}

/** Options every component plugin receives. */
export interface ComponentPluginOptions {
  platform: Platform;
}

/** One component of Grunnmur (see ARCHITECTURE.md, "Layout"). */
export interface Component {
  /** Lower-case name; `--only` takes it; the prefix of its tables. */
  name: string;
  title: LocalizedText;
  description: LocalizedText;
  /** Path prefixes the component serves under (`/krr`, `/enhetsregisteret`…); its OpenAPI covers these. */
  paths: string[];
  /** Migrations of the component's own tables, in order. */
  migrations: ComponentMigration[];
  /** The Fastify plugin with the component's routes, registered encapsulated. */
  plugin: FastifyPluginAsync<ComponentPluginOptions>;
  /** Links for the front page. */
  links?: ComponentLink[];
  /** Readiness check of the component beyond the database; throws when unhealthy. */
  checkHealth?: (platform: Platform) => Promise<void>;
  /**
   * Runs once per process after migrations and before the server listens: register job
   * handlers, schedule recurring jobs, seed on first start.
   */
  onStart?: (platform: Platform) => Promise<void>;
}
