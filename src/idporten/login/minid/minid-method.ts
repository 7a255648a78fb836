/**
 * MinID as a login method (`idporten-loa-substantial`): fødselsnummer/D-number and password at
 * `/idporten/login/{uid}/minid`, then the second factor at `/idporten/login/{uid}/minid/kode`
 * (an SMS one-time code, or a code from an authenticator app when one is set up; the user may
 * switch to SMS with `POST …/minid/sms`, which also sends a new code). `amr` is `["Minid-OTC"]`
 * or `["Minid-TOTP"]`.
 *
 * The account pages (registration in test mode, password change, authenticator app) are
 * registered here too, under `/idporten/minid/…` (see `minid-account-pages.ts`).
 *
 * @see spec §2 "MinID"; domain rules in `domain/minid/`
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateFodselsnummer } from '../../../platform/identifiers/index.ts';
import type { Platform } from '../../../platform/platform.ts';
import { html } from '../../../platform/ui/html.ts';
import { t, type Lang } from '../../../platform/ui/i18n.ts';
import { sendPage } from '../../../platform/ui/layout.ts';
import { checkMinidPassword, MINID_MAX_FAILED_ATTEMPTS, minidSettings } from '../../domain/minid/accounts.ts';
import {
  findSecondFactor,
  MINID_CODE_LENGTH,
  MINID_CODE_LIFETIME_MS,
  resendOneTimeCode,
  startSecondFactor,
  verifySecondFactor,
  type SecondFactorDeps,
} from '../../domain/minid/second-factor.ts';
import { idportenError } from '../../errors.ts';
import { acrRank } from '../../provider/create-provider.ts';
import { ensureSecret } from '../../store/payloads-store.ts';
import { checkCsrf, finishLogin, loadLogin, type LoginContext, type LoginDeps } from '../login-flow.ts';
import type { LoginMethod } from '../login-methods.ts';
import { minidAccountPages, MINID_ACCOUNT_PATHS } from './minid-account-pages.ts';
import { errorSummary, formValue, textField, type FormError } from './form-views.ts';

/** The level MinID gives. */
const MINID_ACR = 'idporten-loa-substantial' as const;

/** Texts of the MinID login pages. Exported for tests (the exact error texts). */
export const minidTexts = {
  title: { nb: 'Logg inn med MinID', nn: 'Logg inn med MinID', en: 'Log in with MinID' },
  loggingInTo: { nb: 'Du logger inn på', nn: 'Du loggar inn på', en: 'You are logging in to' },
  pid: { nb: 'Fødselsnummer eller d-nummer', nn: 'Fødselsnummer eller d-nummer', en: 'National identity number or D number' },
  pidHint: { nb: '11 siffer', nn: '11 siffer', en: '11 digits' },
  password: { nb: 'Passord', nn: 'Passord', en: 'Password' },
  next: { nb: 'Neste', nn: 'Neste', en: 'Next' },
  noPid: { nb: 'Skriv inn fødselsnummeret ditt.', nn: 'Skriv inn fødselsnummeret ditt.', en: 'Enter your national identity number.' },
  invalidPid: {
    nb: 'Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet 11 siffer riktig.',
    nn: 'Fødselsnummeret er ikkje gyldig. Sjekk at du har skrive 11 siffer rett.',
    en: 'The national identity number is not valid. Check that you typed the 11 digits correctly.',
  },
  noPassword: { nb: 'Skriv inn passordet ditt.', nn: 'Skriv inn passordet ditt.', en: 'Enter your password.' },
  rejected: {
    nb: `Vi kunne ikke logge deg inn med dette fødselsnummeret og passordet. MinID sperres i én time etter ${MINID_MAX_FAILED_ATTEMPTS} feil på rad.`,
    nn: `Vi kunne ikkje logge deg inn med dette fødselsnummeret og passordet. MinID blir sperra i éin time etter ${MINID_MAX_FAILED_ATTEMPTS} feil på rad.`,
    en: `We could not log you in with this national identity number and password. MinID is locked for one hour after ${MINID_MAX_FAILED_ATTEMPTS} failures in a row.`,
  },
  restart: {
    nb: 'Innloggingen må starte på nytt: koden er brukt, det ble skrevet for mange feil koder, eller den er ikke lenger gyldig. Skriv inn fødselsnummer og passord igjen.',
    nn: 'Innlogginga må starte på nytt: koden er brukt, det vart skrive for mange feil kodar, eller ho er ikkje lenger gyldig. Skriv inn fødselsnummer og passord igjen.',
    en: 'The login must start again: the code was used, too many wrong codes were entered, or it is no longer valid. Enter your national identity number and password again.',
  },
  otcTitle: { nb: 'Engangskode', nn: 'Eingongskode', en: 'One-time code' },
  otcLead: { nb: 'Vi har sendt en engangskode på SMS til', nn: 'Vi har sendt ein eingongskode på SMS til', en: 'We have sent a one-time code by SMS to' },
  otcLabel: { nb: 'Engangskode fra SMS', nn: 'Eingongskode frå SMS', en: 'One-time code from the SMS' },
  otcHint: {
    nb: `${MINID_CODE_LENGTH} siffer. Koden gjelder i ${MINID_CODE_LIFETIME_MS / 60_000} minutter.`,
    nn: `${MINID_CODE_LENGTH} siffer. Koden gjeld i ${MINID_CODE_LIFETIME_MS / 60_000} minutt.`,
    en: `${MINID_CODE_LENGTH} digits. The code is valid for ${MINID_CODE_LIFETIME_MS / 60_000} minutes.`,
  },
  totpTitle: { nb: 'Kode fra autentiseringsapp', nn: 'Kode frå autentiseringsapp', en: 'Code from your authenticator app' },
  totpLead: {
    nb: 'Åpne autentiseringsappen der du har satt opp MinID, og skriv inn koden den viser nå.',
    nn: 'Opne autentiseringsappen der du har sett opp MinID, og skriv inn koden han viser no.',
    en: 'Open the authenticator app where you set up MinID, and enter the code it shows now.',
  },
  totpLabel: { nb: 'Kode fra appen', nn: 'Kode frå appen', en: 'Code from the app' },
  totpHint: { nb: '6 siffer', nn: '6 siffer', en: '6 digits' },
  logIn: { nb: 'Logg inn', nn: 'Logg inn', en: 'Log in' },
  noCode: { nb: 'Skriv inn koden.', nn: 'Skriv inn koden.', en: 'Enter the code.' },
  wrongCode: {
    nb: 'Feil kode. Du har {n} forsøk igjen.',
    nn: 'Feil kode. Du har {n} forsøk att.',
    en: 'Wrong code. You have {n} attempts left.',
  },
  expired: {
    nb: 'Koden er utløpt. Be om en ny kode på SMS.',
    nn: 'Koden har gått ut. Be om ein ny kode på SMS.',
    en: 'The code has expired. Ask for a new code by SMS.',
  },
  resend: { nb: 'Send ny kode på SMS', nn: 'Send ny kode på SMS', en: 'Send a new code by SMS' },
  useSms: { nb: 'Bruk engangskode på SMS i stedet', nn: 'Bruk eingongskode på SMS i staden', en: 'Use a one-time code by SMS instead' },
  startOver: { nb: 'Start på nytt', nn: 'Start på nytt', en: 'Start again' },
  otherMethod: { nb: 'Velg en annen elektronisk ID', nn: 'Vel ein annan elektronisk ID', en: 'Choose another electronic ID' },
  help: { nb: 'Hjelp med MinID', nn: 'Hjelp med MinID', en: 'Help with MinID' },
  register: { nb: 'Registrer MinID (testmiljø)', nn: 'Registrer MinID (testmiljø)', en: 'Register a MinID (test environment)' },
  changePassword: { nb: 'Endre passord', nn: 'Endre passord', en: 'Change password' },
  setUpTotp: { nb: 'Sett opp kode fra autentiseringsapp', nn: 'Set opp kode frå autentiseringsapp', en: 'Set up codes from an authenticator app' },
} as const;

/** The MinID login method. */
export const minidMethod: LoginMethod = {
  id: 'minid',
  label: { nb: 'MinID', nn: 'MinID', en: 'MinID' },
  description: {
    nb: 'Med fødselsnummer, passord og engangskode på SMS eller fra app',
    nn: 'Med fødselsnummer, passord og eingongskode på SMS eller frå app',
    en: 'With your national identity number, password and a one-time code by SMS or from an app',
  },
  levels: [MINID_ACR],
  enabled: () => true,
  async register(app, platform, deps) {
    const settings = minidSettings(platform.config);
    const factorDeps: SecondFactorDeps = {
      db: platform.db,
      codeKey: await ensureSecret(platform.db, 'minid_code_key', () => randomBytes(32).toString('base64url')),
      sendSms: (msg, executor) => platform.outbox.sendSms({ ...msg, component: 'idporten' }, executor),
    };
    const base = '/idporten/login/:uid/minid';

    /** Loads the login and refuses it when the client asked for more than MinID gives. */
    const load = async (request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<LoginContext> => {
      const login = await loadLogin(deps, request, reply);
      if (login.requiredAcr !== undefined && acrRank(login.requiredAcr) > acrRank(MINID_ACR)) {
        throw idportenError('IDPORTEN_METHOD_UNAVAILABLE', 'MinID cannot give the level of assurance the service asked for');
      }
      return login;
    };

    app.get<{ Params: { uid: string } }>(base, { schema: { hide: true } }, async (request, reply) => {
      const login = await load(request, reply);
      return sendPasswordPage(reply, platform, login, {}, []);
    });

    app.post<{ Params: { uid: string }; Body: Record<string, unknown> }>(base, { schema: { hide: true } }, async (request, reply) => {
      const login = await load(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(login, body.csrf);
      const pid = formValue(body, 'pid').replace(/\s/g, '');
      const password = formValue(body, 'password', true);
      const errors: FormError[] = [];
      if (pid === '') errors.push({ field: 'minid-pid', message: t(minidTexts.noPid, login.lang) });
      else if (!validateFodselsnummer(pid).valid) errors.push({ field: 'minid-pid', message: t(minidTexts.invalidPid, login.lang) });
      if (password === '') errors.push({ field: 'minid-password', message: t(minidTexts.noPassword, login.lang) });
      if (errors.length > 0) return sendPasswordPage(reply, platform, login, { pid }, errors, 400);

      const check = await checkMinidPassword(platform.db, pid, password, settings);
      if (!check.ok) return sendPasswordPage(reply, platform, login, { pid }, [{ field: 'minid-pid', message: t(minidTexts.rejected, login.lang) }], 400);
      await startSecondFactor(factorDeps, { uid: login.details.uid, account: check.account, lang: login.lang });
      return reply.redirect(`/idporten/login/${encodeURIComponent(login.details.uid)}/minid/kode`, 303);
    });

    app.get<{ Params: { uid: string } }>(`${base}/kode`, { schema: { hide: true } }, async (request, reply) => {
      const login = await load(request, reply);
      const step = await findSecondFactor(platform.db, login.details.uid);
      if (!step) return sendPasswordPage(reply, platform, login, {}, [{ field: 'minid-pid', message: t(minidTexts.restart, login.lang) }], 400);
      return sendCodePage(reply, login, step, []);
    });

    app.post<{ Params: { uid: string }; Body: Record<string, unknown> }>(`${base}/kode`, { schema: { hide: true } }, async (request, reply) => {
      const login = await load(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(login, body.csrf);
      const uid = login.details.uid;
      const code = formValue(body, 'code').replace(/\s/g, '');
      const restart = () => sendPasswordPage(reply, platform, login, {}, [{ field: 'minid-pid', message: t(minidTexts.restart, login.lang) }], 400);
      if (code === '') {
        const step = await findSecondFactor(platform.db, uid);
        return step ? sendCodePage(reply, login, step, [{ field: 'minid-code', message: t(minidTexts.noCode, login.lang) }], 400) : restart();
      }
      const result = await verifySecondFactor(factorDeps, uid, code);
      if (result.ok) return finishLogin(login, request, reply, { pid: result.pid, acr: MINID_ACR, amr: result.amr });
      if (result.reason === 'restart') return restart();
      const step = await findSecondFactor(platform.db, uid);
      if (!step) return restart();
      const message =
        result.reason === 'expired' ? t(minidTexts.expired, login.lang) : t(minidTexts.wrongCode, login.lang).replace('{n}', String(result.attemptsLeft));
      return sendCodePage(reply, login, step, [{ field: 'minid-code', message }], 400);
    });

    app.post<{ Params: { uid: string }; Body: Record<string, unknown> }>(`${base}/sms`, { schema: { hide: true } }, async (request, reply) => {
      const login = await load(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(login, body.csrf);
      if (!(await resendOneTimeCode(factorDeps, login.details.uid, login.lang))) {
        return sendPasswordPage(reply, platform, login, {}, [{ field: 'minid-pid', message: t(minidTexts.restart, login.lang) }], 400);
      }
      return reply.redirect(`/idporten/login/${encodeURIComponent(login.details.uid)}/minid/kode`, 303);
    });

    await minidAccountPages(app, platform, deps, settings, factorDeps);
  },
};

/** Path of a MinID login page of this login. */
function loginPath(login: LoginContext, suffix = ''): string {
  return `/idporten/login/${encodeURIComponent(login.details.uid)}/minid${suffix}`;
}

function sendPasswordPage(
  reply: FastifyReply,
  platform: Platform,
  login: LoginContext,
  posted: { pid?: string },
  errors: FormError[],
  status = 200,
): FastifyReply {
  const lang: Lang = login.lang;
  const action = loginPath(login);
  const body = html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="lg">${t(minidTexts.title, lang)}</h1>
  <p class="ds-paragraph">${t(minidTexts.loggingInTo, lang)} <strong>${login.clientName}</strong>.</p>
  ${errorSummary(errors, lang)}
  <form method="post" action="${action}" novalidate>
    <input type="hidden" name="csrf" value="${login.csrf}">
    ${textField({ id: 'minid-pid', name: 'pid', label: t(minidTexts.pid, lang), hint: t(minidTexts.pidHint, lang), value: posted.pid, autocomplete: 'username', inputmode: 'numeric', errors })}
    ${textField({ id: 'minid-password', name: 'password', type: 'password', label: t(minidTexts.password, lang), autocomplete: 'current-password', errors })}
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(minidTexts.next, lang)}</button></div>
  </form>
  <ul class="ds-list">
    <li><a class="ds-link" href="/idporten/login/${encodeURIComponent(login.details.uid)}">${t(minidTexts.otherMethod, lang)}</a></li>
    ${platform.config.GRUNNMUR_MODE === 'test' ? html`<li><a class="ds-link" href="${MINID_ACCOUNT_PATHS.register}">${t(minidTexts.register, lang)}</a></li>` : ''}
    <li><a class="ds-link" href="${MINID_ACCOUNT_PATHS.password}">${t(minidTexts.changePassword, lang)}</a></li>
    <li><a class="ds-link" href="${MINID_ACCOUNT_PATHS.totp}">${t(minidTexts.setUpTotp, lang)}</a></li>
  </ul>
</div>`;
  reply.header('cache-control', 'no-store');
  return sendPage(reply, { lang, title: t(minidTexts.title, lang), body, path: action, status });
}

function sendCodePage(
  reply: FastifyReply,
  login: LoginContext,
  step: { factor: 'otc' | 'totp'; maskedMobile: string },
  errors: FormError[],
  status = 200,
): FastifyReply {
  const lang: Lang = login.lang;
  const action = loginPath(login, '/kode');
  const otc = step.factor === 'otc';
  const title = t(otc ? minidTexts.otcTitle : minidTexts.totpTitle, lang);
  const body = html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="lg">${title}</h1>
  <p class="ds-paragraph">${otc ? html`${t(minidTexts.otcLead, lang)} <strong>${step.maskedMobile}</strong>.` : t(minidTexts.totpLead, lang)}</p>
  ${errorSummary(errors, lang)}
  <form method="post" action="${action}" novalidate>
    <input type="hidden" name="csrf" value="${login.csrf}">
    ${textField({
      id: 'minid-code',
      name: 'code',
      label: t(otc ? minidTexts.otcLabel : minidTexts.totpLabel, lang),
      hint: t(otc ? minidTexts.otcHint : minidTexts.totpHint, lang),
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      errors,
    })}
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(minidTexts.logIn, lang)}</button></div>
  </form>
  <form method="post" action="${loginPath(login, '/sms')}">
    <input type="hidden" name="csrf" value="${login.csrf}">
    <button class="ds-button" data-variant="secondary" type="submit">${t(otc ? minidTexts.resend : minidTexts.useSms, lang)}</button>
  </form>
  <p class="ds-paragraph"><a class="ds-link" href="${loginPath(login)}">${t(minidTexts.startOver, lang)}</a></p>
</div>`;
  reply.header('cache-control', 'no-store');
  return sendPage(reply, { lang, title, body, path: action, status });
}
