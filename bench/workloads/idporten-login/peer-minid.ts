/** Peer of `idporten-login-minid`: bare oidc-provider 9 whose login checks one Argon2id password (peer-server.ts). */
import { runServerChild } from '../../lib/server-child.ts';
import { startPeer } from './peer-server.ts';

runServerChild(() => startPeer({ argon2: true }));
