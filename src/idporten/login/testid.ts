/**
 * TestID: log in as any synthetic person in Folkeregisteret at a level of one's choice, with
 * no password. Test mode only, like Digdir's TestID in the test environment; `amr` is
 * `["TestID"]`.
 *
 * @see spec §2 "TEST: … TestID has no password and lets the tester pick the level"
 */
import type { FastifyReply } from 'fastify';
import { validateFodselsnummer } from '../../platform/identifiers/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { html, type SafeHtml } from '../../platform/ui/html.ts';
import { t, type Lang } from '../../platform/ui/i18n.ts';
import { sendPage } from '../../platform/ui/layout.ts';
import type { Testperson } from '../../registers/index.ts';
import { ACR_VALUES, type Acr } from '../domain/types.ts';
import { idportenError } from '../errors.ts';
import { acrRank } from '../provider/create-provider.ts';
import { checkCsrf, finishLogin, loadLogin, type LoginContext, type LoginDeps } from './login-flow.ts';
import type { LoginMethod } from './login-methods.ts';
import { personDirectory, type PersonDirectory } from './person-directory.ts';

/** How many synthetic persons the page lists. */
export const TESTID_LISTED_PERSONS = 10;

const texts = {
  title: { nb: 'TestID', nn: 'TestID', en: 'TestID' },
  lead: {
    nb: 'Testinnlogging for testmiljøet: velg en syntetisk person og et sikkerhetsnivå. Ingen passord.',
    nn: 'Testinnlogging for testmiljøet: vel ein syntetisk person og eit tryggleiksnivå. Ingen passord.',
    en: 'Test login for the test environment: pick a synthetic person and a level of assurance. No password.',
  },
  loggingInTo: { nb: 'Du logger inn på', nn: 'Du loggar inn på', en: 'You are logging in to' },
  person: { nb: 'Person', nn: 'Person', en: 'Person' },
  typed: { nb: 'Eller skriv inn fødselsnummer eller d-nummer (11 siffer)', nn: 'Eller skriv inn fødselsnummer eller d-nummer (11 siffer)', en: 'Or enter a fødselsnummer or D-number (11 digits)' },
  level: { nb: 'Sikkerhetsnivå', nn: 'Tryggleiksnivå', en: 'Level of assurance' },
  substantial: { nb: 'Betydelig (som MinID)', nn: 'Betydeleg (som MinID)', en: 'Substantial (like MinID)' },
  high: { nb: 'Høyt (som BankID)', nn: 'Høgt (som BankID)', en: 'High (like BankID)' },
  submit: { nb: 'Logg inn', nn: 'Logg inn', en: 'Log in' },
  errors: { nb: 'Rett opp dette før du går videre:', nn: 'Rett opp dette før du går vidare:', en: 'Correct the following before you continue:' },
  noPerson: { nb: 'Velg en person eller skriv inn et fødselsnummer.', nn: 'Vel ein person eller skriv inn eit fødselsnummer.', en: 'Pick a person or enter a fødselsnummer.' },
  invalidPid: { nb: 'Fødselsnummeret er ikke gyldig.', nn: 'Fødselsnummeret er ikkje gyldig.', en: 'The fødselsnummer is not valid.' },
  unknownPid: { nb: 'Det finnes ingen person med dette nummeret i Folkeregisteret.', nn: 'Det finst ingen person med dette nummeret i Folkeregisteret.', en: 'There is no person with this number in Folkeregisteret.' },
  badLevel: { nb: 'Velg et sikkerhetsnivå tjenesten godtar.', nn: 'Vel eit tryggleiksnivå tenesta godtek.', en: 'Choose a level the service accepts.' },
} as const;

/** A form error: the field it belongs to, and the message. */
interface FieldError {
  field: 'pid' | 'acr';
  message: string;
}

/** The TestID login method. */
export const testIdMethod: LoginMethod = {
  id: 'testid',
  label: { nb: 'TestID', nn: 'TestID', en: 'TestID' },
  description: { nb: 'Syntetiske testpersoner, uten passord (bare i testmiljø)', nn: 'Syntetiske testpersonar, utan passord (berre i testmiljø)', en: 'Synthetic test persons, no password (test environment only)' },
  levels: ACR_VALUES,
  enabled: (platform) => platform.config.GRUNNMUR_MODE === 'test',
  async register(app, platform, deps) {
    const directory = personDirectory(app, platform);
    const path = '/idporten/login/:uid/testid';
    const guard = (): void => {
      if (!testIdMethod.enabled(platform)) throw idportenError('IDPORTEN_METHOD_UNAVAILABLE', 'TestID is only available in test mode');
    };

    app.get<{ Params: { uid: string } }>(path, { schema: { hide: true } }, async (request, reply) => {
      guard();
      const login = await loadLogin(deps, request, reply);
      return sendTestIdPage(reply, login, request.params.uid, await directory.testPersons(TESTID_LISTED_PERSONS), {}, []);
    });

    app.post<{ Params: { uid: string }; Body: Record<string, unknown> }>(path, { schema: { hide: true } }, async (request, reply) => {
      guard();
      const login = await loadLogin(deps, request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(login, body.csrf);
      const { result, errors } = await checkTestIdForm(body, login, directory);
      if (!result) {
        return sendTestIdPage(reply, login, request.params.uid, await directory.testPersons(TESTID_LISTED_PERSONS), body, errors, 400);
      }
      return finishLogin(login, request, reply, result);
    });
  },
};

/**
 * Checks the posted TestID form: a valid, existing person (the typed number wins over the
 * list; a number from the list fetched within `TEST_PERSONS_TTL_MS` is not looked up
 * again) and a level the client accepts.
 */
async function checkTestIdForm(
  body: Record<string, unknown>,
  login: LoginContext,
  directory: PersonDirectory,
): Promise<{ result?: { pid: string; acr: Acr; amr: string[] }; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const typed = typeof body.pid_typed === 'string' ? body.pid_typed.trim() : '';
  const pid = typed !== '' ? typed : typeof body.pid === 'string' ? body.pid : '';
  if (pid === '') errors.push({ field: 'pid', message: t(texts.noPerson, login.lang) });
  else if (!validateFodselsnummer(pid).valid) errors.push({ field: 'pid', message: t(texts.invalidPid, login.lang) });
  // A pid from the list shown within its TTL existed then; any other pid is looked up.
  else if (!directory.listedTestPerson(pid) && !(await directory.exists(pid))) errors.push({ field: 'pid', message: t(texts.unknownPid, login.lang) });

  const acr = body.acr as Acr;
  if (!ACR_VALUES.includes(acr) || (login.requiredAcr !== undefined && acrRank(acr) < acrRank(login.requiredAcr))) {
    errors.push({ field: 'acr', message: t(texts.badLevel, login.lang) });
  }
  if (errors.length > 0) return { errors };
  return { result: { pid, acr, amr: ['TestID'] }, errors };
}

function sendTestIdPage(
  reply: FastifyReply,
  login: LoginContext,
  uid: string,
  persons: Testperson[],
  posted: Record<string, unknown>,
  errors: FieldError[],
  status = 200,
): FastifyReply {
  const lang: Lang = login.lang;
  const action = `/idporten/login/${encodeURIComponent(uid)}/testid`;
  const chosenPid = typeof posted.pid === 'string' ? posted.pid : persons[0]?.foedselsEllerDNummer;
  const chosenAcr = typeof posted.acr === 'string' ? posted.acr : (login.requiredAcr ?? 'idporten-loa-substantial');
  const errorFor = (field: FieldError['field']) => errors.find((e) => e.field === field);
  const levelLabel = (acr: Acr) => t(acr === 'idporten-loa-high' ? texts.high : texts.substantial, lang);
  const summary: SafeHtml | string =
    errors.length === 0
      ? ''
      : html`<div class="ds-error-summary" data-color="danger" tabindex="-1" role="alert">
  <h2 class="ds-heading" data-size="xs">${t(texts.errors, lang)}</h2>
  <ul class="ds-list">${errors.map((e) => html`<li><a class="ds-link" href="#${e.field === 'pid' ? 'testid-pid-typed' : 'testid-acr-0'}">${e.message}</a></li>`)}</ul>
</div>`;
  const body = html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="lg">${t(texts.title, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead">${t(texts.lead, lang)}</p>
  <p class="ds-paragraph">${t(texts.loggingInTo, lang)} <strong>${login.clientName}</strong>.</p>
  ${summary}
  <form method="post" action="${action}" novalidate>
    <input type="hidden" name="csrf" value="${login.csrf}">
    <fieldset class="ds-fieldset">
      <legend class="ds-label">${t(texts.person, lang)}</legend>
      ${persons.map(
        (p, i) => html`<div class="ds-field">
        <input class="ds-input" type="radio" id="testid-pid-${i}" name="pid" value="${p.foedselsEllerDNummer}"${p.foedselsEllerDNummer === chosenPid ? html` checked` : ''}>
        <label class="ds-label" data-weight="regular" for="testid-pid-${i}">${[p.fornavn, p.mellomnavn, p.etternavn].filter(Boolean).join(' ')} (${p.foedselsEllerDNummer})</label>
      </div>`,
      )}
      <div class="ds-field">
        <label class="ds-label" for="testid-pid-typed">${t(texts.typed, lang)}</label>
        <input class="ds-input" type="text" inputmode="numeric" autocomplete="off" id="testid-pid-typed" name="pid_typed" value="${typeof posted.pid_typed === 'string' ? posted.pid_typed : ''}"${errorFor('pid') ? html` aria-invalid="true" aria-describedby="testid-pid-error"` : ''}>
        ${errorFor('pid') ? html`<p class="ds-validation-message" data-color="danger" id="testid-pid-error">${errorFor('pid')?.message}</p>` : ''}
      </div>
    </fieldset>
    <fieldset class="ds-fieldset"${errorFor('acr') ? html` aria-describedby="testid-acr-error"` : ''}>
      <legend class="ds-label">${t(texts.level, lang)}</legend>
      ${ACR_VALUES.map(
        (acr, i) => html`<div class="ds-field">
        <input class="ds-input" type="radio" id="testid-acr-${i}" name="acr" value="${acr}"${acr === chosenAcr ? html` checked` : ''}>
        <label class="ds-label" data-weight="regular" for="testid-acr-${i}">${levelLabel(acr)}</label>
      </div>`,
      )}
      ${errorFor('acr') ? html`<p class="ds-validation-message" data-color="danger" id="testid-acr-error">${errorFor('acr')?.message}</p>` : ''}
    </fieldset>
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(texts.submit, lang)}</button></div>
  </form>
</div>`;
  reply.header('cache-control', 'no-store');
  return sendPage(reply, { lang, title: t(texts.title, lang), body, path: action, status });
}
