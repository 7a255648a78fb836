/** Every benchmark workload, by CLI name. Add a workload here to make `npm run bench <name>` find it. */
import type { Workload } from '../lib/workload.ts';
import { httpCore } from './http-core/workload.ts';
import { httpFramework } from './http-framework/workload.ts';
import { maskinportenGrant } from './maskinporten-grant/workload.ts';
import { idportenLogin, idportenLoginMinid } from './idporten-login/workload.ts';
import { krrLookup, krrLookupSingle } from './krr-lookup/workload.ts';
import { elmaRead } from './elma-read/workload.ts';
import { eformidlingCycle } from './eformidling-cycle/workload.ts';

/** The registered workloads, in the order `npm run bench` (no name) runs them. */
export const workloads: readonly Workload[] = [httpCore, httpFramework, maskinportenGrant, idportenLogin, idportenLoginMinid, krrLookup, krrLookupSingle, elmaRead, eformidlingCycle];
