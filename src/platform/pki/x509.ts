/**
 * The one way Grunnmur loads `@peculiar/x509`: it needs the `reflect-metadata` polyfill loaded
 * before it (its dependency `tsyringe` throws otherwise), and it is pointed at Node's WebCrypto.
 * Import `x509` from here, never `@peculiar/x509` directly, or the first importer decides
 * whether the process crashes.
 *
 * @see https://github.com/PeculiarVentures/x509
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
