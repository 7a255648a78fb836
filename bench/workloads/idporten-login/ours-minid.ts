/** "Ours" of `idporten-login-minid`: see ours-server.ts; one MinID account per virtual browser (MINID_ACCOUNTS in flows.ts). */
import { runServerChild } from '../../lib/server-child.ts';
import { MINID_ACCOUNTS } from './flows.ts';
import { startOurs } from './ours-server.ts';

runServerChild((options) => startOurs(options, { minidAccounts: MINID_ACCOUNTS }));
