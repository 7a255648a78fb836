/**
 * The login methods ID-porten offers, as a registry: each method serves its pages under
 * `/idporten/login/{uid}/{id}` and ends with `finishLogin`. The method-choice page at
 * `/idporten/login/{uid}` lists the available methods that can give the level the client asked
 * for (and goes straight to the method when there is only one).
 *
 * To add a method: implement {@link LoginMethod} and add it to
 * {@link loginMethods}.
 */
import type { FastifyInstance } from 'fastify';
import type { LocalizedText } from '../../platform/component.ts';
import type { Platform } from '../../platform/platform.ts';
import type { Acr } from '../domain/types.ts';
import type { LoginDeps } from './login-flow.ts';
import { minidMethod } from './minid/minid-method.ts';
import { testIdMethod } from './testid.ts';

/** One login method. */
export interface LoginMethod {
  /** Path segment and id: `testid`, `minid`. */
  id: string;
  /** Name on the method-choice page. */
  label: LocalizedText;
  /** Short description on the method-choice page. */
  description: LocalizedText;
  /** The levels this method can give. */
  levels: readonly Acr[];
  /** Whether the method is on in this configuration (TestID only in test mode). */
  enabled(platform: Platform): boolean;
  /** Registers `GET`/`POST /idporten/login/:uid/<id>` (and any further pages of the method). */
  register(app: FastifyInstance, platform: Platform, deps: LoginDeps): Promise<void>;
}

/** Every login method Grunnmur knows, in the order the choice page lists them. */
export function loginMethods(): LoginMethod[] {
  return [minidMethod, testIdMethod];
}
