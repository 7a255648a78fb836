/** "Ours" of `idporten-login` (TestID): see ours-server.ts. */
import { runServerChild } from '../../lib/server-child.ts';
import { startOurs } from './ours-server.ts';

runServerChild((options) => startOurs(options, { minidAccounts: 0 }));
