/** Peer of `idporten-login`: bare oidc-provider 9 whose login finishes at once (peer-server.ts). */
import { runServerChild } from '../../lib/server-child.ts';
import { startPeer } from './peer-server.ts';

runServerChild(() => startPeer({ argon2: false }));
