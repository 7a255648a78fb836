/**
 * The components Grunnmur serves, in start order, and the `--only` selection.
 */
import { platformError } from './platform/errors.ts';
import type { Component } from './platform/component.ts';
import { digitalpostComponent } from './digitalpost/index.ts';
import { elmaComponent } from './elma/index.ts';
import { eformidlingComponent } from './eformidling/index.ts';
import { idportenComponent } from './idporten/index.ts';
import { krrComponent } from './krr/index.ts';
import { maskinportenComponent } from './maskinporten/index.ts';
import { portalComponent } from './portal/index.ts';
import { registersComponent } from './registers/index.ts';

/** Every component that exists, in start order (the front page always comes along). */
export const allComponents: readonly Component[] = [registersComponent, maskinportenComponent, idportenComponent, krrComponent, elmaComponent, eformidlingComponent, digitalpostComponent, portalComponent];

/** Names `--only` accepts. */
export function selectableComponentNames(): string[] {
  return allComponents.filter((c) => c.name !== 'portal').map((c) => c.name);
}

/**
 * The components to serve: all, or those named in `only` (plus the front page).
 *
 * @param only component names, e.g. `['registers']`; undefined or empty = all
 * @throws AppError `PLATFORM_UNKNOWN_COMPONENT` (400) naming each unknown name and the valid ones
 */
export function selectComponents(only?: readonly string[]): Component[] {
  if (!only || only.length === 0) return [...allComponents];
  const valid = selectableComponentNames();
  const unknown = only.filter((name) => !valid.includes(name));
  if (unknown.length > 0) {
    throw platformError(
      'PLATFORM_UNKNOWN_COMPONENT',
      `Unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} in --only; valid: ${valid.join(', ')}`,
    );
  }
  return allComponents.filter((c) => c.name === 'portal' || only.includes(c.name));
}
