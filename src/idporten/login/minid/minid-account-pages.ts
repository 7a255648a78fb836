/**
 * MinID's account pages, outside any login:
 *
 * - `GET|POST /idporten/minid/registrer` (test mode only): a synthetic person in Folkeregisteret
 *   creates a MinID with password and mobile number. This stands in for the activation letter
 *   of the real MinID (out of scope).
 * - `GET|POST /idporten/minid/passord`: change the password with the old one.
 * - `GET|POST /idporten/minid/totp`, `POST /idporten/minid/totp/bekreft`: set up an
 *   authenticator app (the `otpauth://` URI and the secret are shown; see `totp-setup.ts`).
 *
 * Forms are CSRF-protected with a double-submit token: a random value in an HttpOnly,
 * SameSite=Strict cookie (path `/idporten/minid`, Secure behind https) and its HMAC in the form.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { validateFodselsnummer } from '../../../platform/identifiers/index.ts';
import type { Platform } from '../../../platform/platform.ts';
import { html, type SafeHtml } from '../../../platform/ui/html.ts';
import { pickLang, t, type Lang } from '../../../platform/ui/i18n.ts';
import { sendPage } from '../../../platform/ui/layout.ts';
import { AppError } from '../../../platform/errors.ts';
import { changeMinidPassword, createMinidAccount, minidAccountProblems, type MinidSettings } from '../../domain/minid/accounts.ts';
import { MINID_PASSWORD_MIN_LENGTH, type PasswordProblem } from '../../domain/minid/password.ts';
import type { SecondFactorDeps } from '../../domain/minid/second-factor.ts';
import { confirmTotpSetup, readTotpSetup, startTotpSetup } from '../../domain/minid/totp-setup.ts';
import { idportenError } from '../../errors.ts';
import type { LoginDeps } from '../login-flow.ts';
import { personDirectory } from '../person-directory.ts';
import { errorSummary, formValue, textField, type FormError } from './form-views.ts';

/** Paths of the account pages. */
export const MINID_ACCOUNT_PATHS = {
  register: '/idporten/minid/registrer',
  password: '/idporten/minid/passord',
  totp: '/idporten/minid/totp',
  totpConfirm: '/idporten/minid/totp/bekreft',
} as const;

/** Name of the CSRF cookie of the account pages. */
export const MINID_CSRF_COOKIE = '_idporten_minid_csrf';

/** Texts of the account pages. Exported for tests. */
export const accountTexts = {
  registerTitle: { nb: 'Registrer MinID (testmiljø)', nn: 'Registrer MinID (testmiljø)', en: 'Register a MinID (test environment)' },
  registerLead: {
    nb: 'I testmiljøet oppretter du MinID her, uten aktiveringsbrev. Bruk fødselsnummeret til en syntetisk person i Folkeregisteret.',
    nn: 'I testmiljøet opprettar du MinID her, utan aktiveringsbrev. Bruk fødselsnummeret til ein syntetisk person i Folkeregisteret.',
    en: 'In the test environment you create a MinID here, without an activation letter. Use the number of a synthetic person in Folkeregisteret.',
  },
  pid: { nb: 'Fødselsnummer eller d-nummer', nn: 'Fødselsnummer eller d-nummer', en: 'National identity number or D number' },
  password: { nb: 'Passord', nn: 'Passord', en: 'Password' },
  passwordHint: {
    nb: `Minst ${MINID_PASSWORD_MIN_LENGTH} tegn, med både bokstaver og tall. Tillatt: A–Z, 0–9 og spesialtegn (ikke æ, ø, å eller mellomrom).`,
    nn: `Minst ${MINID_PASSWORD_MIN_LENGTH} teikn, med både bokstavar og tal. Tillate: A–Z, 0–9 og spesialteikn (ikkje æ, ø, å eller mellomrom).`,
    en: `At least ${MINID_PASSWORD_MIN_LENGTH} characters, with both letters and digits. Allowed: A–Z, 0–9 and special characters (no æ, ø, å or spaces).`,
  },
  repeat: { nb: 'Gjenta passordet', nn: 'Gjenta passordet', en: 'Repeat the password' },
  mobile: { nb: 'Mobilnummer', nn: 'Mobilnummer', en: 'Mobile number' },
  mobileHint: { nb: 'For engangskoder på SMS, f.eks. 91234567', nn: 'For eingongskodar på SMS, t.d. 91234567', en: 'For one-time codes by SMS, e.g. 91234567' },
  create: { nb: 'Opprett MinID', nn: 'Opprett MinID', en: 'Create MinID' },
  created: { nb: 'MinID er opprettet', nn: 'MinID er oppretta', en: 'Your MinID is created' },
  createdLead: {
    nb: 'Du kan nå logge inn med fødselsnummer, passord og engangskode på SMS.',
    nn: 'Du kan no logge inn med fødselsnummer, passord og eingongskode på SMS.',
    en: 'You can now log in with your national identity number, password and a one-time code by SMS.',
  },
  invalidPid: { nb: 'Fødselsnummeret er ikke gyldig.', nn: 'Fødselsnummeret er ikkje gyldig.', en: 'The national identity number is not valid.' },
  unknownPid: {
    nb: 'Det finnes ingen person med dette nummeret i Folkeregisteret.',
    nn: 'Det finst ingen person med dette nummeret i Folkeregisteret.',
    en: 'There is no person with this number in Folkeregisteret.',
  },
  exists: { nb: 'Denne personen har allerede MinID.', nn: 'Denne personen har allereie MinID.', en: 'This person already has a MinID.' },
  invalidMobile: { nb: 'Mobilnummeret er ikke gyldig.', nn: 'Mobilnummeret er ikkje gyldig.', en: 'The mobile number is not valid.' },
  mismatch: { nb: 'Passordene er ikke like.', nn: 'Passorda er ikkje like.', en: 'The passwords do not match.' },
  noPassword: { nb: 'Skriv inn passordet ditt.', nn: 'Skriv inn passordet ditt.', en: 'Enter your password.' },
  too_short: { nb: `Passordet må ha minst ${MINID_PASSWORD_MIN_LENGTH} tegn.`, nn: `Passordet må ha minst ${MINID_PASSWORD_MIN_LENGTH} teikn.`, en: `The password must have at least ${MINID_PASSWORD_MIN_LENGTH} characters.` },
  too_long: { nb: 'Passordet er for langt (høyst 128 tegn).', nn: 'Passordet er for langt (høgst 128 teikn).', en: 'The password is too long (at most 128 characters).' },
  characters: {
    nb: 'Passordet kan bare ha A–Z, 0–9 og spesialtegn (ikke æ, ø, å eller mellomrom).',
    nn: 'Passordet kan berre ha A–Z, 0–9 og spesialteikn (ikkje æ, ø, å eller mellomrom).',
    en: 'The password may only contain A–Z, 0–9 and special characters (no æ, ø, å or spaces).',
  },
  letter: { nb: 'Passordet må ha minst én bokstav.', nn: 'Passordet må ha minst éin bokstav.', en: 'The password must contain a letter.' },
  digit: { nb: 'Passordet må ha minst ett tall.', nn: 'Passordet må ha minst eitt tal.', en: 'The password must contain a digit.' },
  passwordTitle: { nb: 'Endre passord for MinID', nn: 'Endre passord for MinID', en: 'Change your MinID password' },
  oldPassword: { nb: 'Nåværende passord', nn: 'Noverande passord', en: 'Current password' },
  newPassword: { nb: 'Nytt passord', nn: 'Nytt passord', en: 'New password' },
  change: { nb: 'Endre passord', nn: 'Endre passord', en: 'Change password' },
  changed: { nb: 'Passordet er endret', nn: 'Passordet er endra', en: 'Your password is changed' },
  changedLead: { nb: 'Bruk det nye passordet neste gang du logger inn med MinID.', nn: 'Bruk det nye passordet neste gong du loggar inn med MinID.', en: 'Use the new password the next time you log in with MinID.' },
  rejected: {
    nb: 'Vi kjenner ikke igjen fødselsnummeret og passordet, eller MinID er midlertidig sperret.',
    nn: 'Vi kjenner ikkje att fødselsnummeret og passordet, eller MinID er mellombels sperra.',
    en: 'We do not recognise this national identity number and password, or MinID is temporarily locked.',
  },
  totpTitle: { nb: 'Sett opp kode fra autentiseringsapp', nn: 'Set opp kode frå autentiseringsapp', en: 'Set up codes from an authenticator app' },
  totpLead: {
    nb: 'Logg inn med fødselsnummer og passord. Vi sender en engangskode på SMS for å bekrefte at det er du.',
    nn: 'Logg inn med fødselsnummer og passord. Vi sender ein eingongskode på SMS for å stadfeste at det er deg.',
    en: 'Enter your national identity number and password. We send a one-time code by SMS to confirm it is you.',
  },
  next: { nb: 'Neste', nn: 'Neste', en: 'Next' },
  totpScan: {
    nb: 'Legg til MinID i autentiseringsappen (f.eks. Google Authenticator eller Microsoft Authenticator) med denne lenken eller nøkkelen:',
    nn: 'Legg til MinID i autentiseringsappen (t.d. Google Authenticator eller Microsoft Authenticator) med denne lenka eller nøkkelen:',
    en: 'Add MinID to your authenticator app (e.g. Google Authenticator or Microsoft Authenticator) with this link or key:',
  },
  totpKey: { nb: 'Nøkkel', nn: 'Nøkkel', en: 'Key' },
  appCode: { nb: 'Kode fra appen', nn: 'Kode frå appen', en: 'Code from the app' },
  appCodeHint: { nb: '6 siffer, slik appen viser nå', nn: '6 siffer, slik appen viser no', en: '6 digits, as the app shows now' },
  smsCode: { nb: 'Engangskode fra SMS', nn: 'Eingongskode frå SMS', en: 'One-time code from the SMS' },
  confirm: { nb: 'Bekreft', nn: 'Stadfest', en: 'Confirm' },
  wrongAppCode: { nb: 'Koden fra appen er feil.', nn: 'Koden frå appen er feil.', en: 'The code from the app is wrong.' },
  wrongSmsCode: { nb: 'Engangskoden fra SMS er feil.', nn: 'Eingongskoden frå SMS er feil.', en: 'The one-time code from the SMS is wrong.' },
  setupExpired: {
    nb: 'Oppsettet er utløpt eller MinID er sperret. Start på nytt.',
    nn: 'Oppsettet har gått ut eller MinID er sperra. Start på nytt.',
    en: 'The setup has expired or MinID is locked. Start again.',
  },
  totpDone: { nb: 'Autentiseringsappen er satt opp', nn: 'Autentiseringsappen er sett opp', en: 'Your authenticator app is set up' },
  totpDoneLead: {
    nb: 'Neste gang du logger inn med MinID, ber vi om koden fra appen.',
    nn: 'Neste gong du loggar inn med MinID, ber vi om koden frå appen.',
    en: 'The next time you log in with MinID, we ask for the code from the app.',
  },
} as const;

function csrfOf(key: string, nonce: string): string {
  return createHmac('sha256', key).update(`idporten-minid-form:${nonce}`).digest('base64url');
}

/** The CSRF token of this browser's forms, setting the cookie when it has none. */
function formCsrf(request: FastifyRequest, reply: FastifyReply, key: string, secure: boolean): string {
  let nonce = request.cookies[MINID_CSRF_COOKIE];
  if (typeof nonce !== 'string' || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
    nonce = randomBytes(18).toString('base64url');
    reply.setCookie(MINID_CSRF_COOKIE, nonce, { path: '/idporten/minid', httpOnly: true, sameSite: 'strict', secure });
  }
  return csrfOf(key, nonce);
}

/**
 * Checks a posted form's CSRF token against the cookie.
 *
 * @throws AppError `IDPORTEN_CSRF_MISMATCH` (403)
 */
function checkFormCsrf(request: FastifyRequest, key: string, posted: unknown): void {
  const nonce = request.cookies[MINID_CSRF_COOKIE];
  const expected = Buffer.from(typeof nonce === 'string' ? csrfOf(key, nonce) : '');
  const given = Buffer.from(typeof posted === 'string' ? posted : '');
  if (typeof nonce !== 'string' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw idportenError('IDPORTEN_CSRF_MISMATCH', 'The form does not belong to this browser. Reload the page and try again.');
  }
}

type Body = Record<string, unknown>;

/** Registers the account pages. */
export async function minidAccountPages(app: FastifyInstance, platform: Platform, deps: LoginDeps, settings: MinidSettings, factorDeps: SecondFactorDeps): Promise<void> {
  const secure = platform.config.PUBLIC_URL.startsWith('https:');
  const directory = personDirectory(app, platform);
  const testMode = () => platform.config.GRUNNMUR_MODE === 'test';

  const page = (reply: FastifyReply, lang: Lang, path: string, title: string, content: SafeHtml, status = 200): FastifyReply => {
    reply.header('cache-control', 'no-store');
    return sendPage(reply, { lang, title, path, status, body: html`<div class="grunnmur-stack">
  <h1 class="ds-heading" data-size="lg">${title}</h1>
  ${content}
</div>` });
  };
  const done = (reply: FastifyReply, lang: Lang, path: string, title: string, lead: string) =>
    page(reply, lang, path, title, html`<div class="ds-alert" data-color="success" role="status"><p class="ds-paragraph">${lead}</p></div>`);
  const policyMessages = (problems: PasswordProblem[], lang: Lang, field: string): FormError[] =>
    problems.map((p) => ({ field, message: t(accountTexts[p], lang) }));

  // --- registration (test mode) -------------------------------------------------------------
  const registerForm = (request: FastifyRequest, reply: FastifyReply, lang: Lang, posted: Body, errors: FormError[], status = 200) =>
    page(
      reply,
      lang,
      MINID_ACCOUNT_PATHS.register,
      t(accountTexts.registerTitle, lang),
      html`<p class="ds-paragraph grunnmur-lead">${t(accountTexts.registerLead, lang)}</p>
  ${errorSummary(errors, lang)}
  <form method="post" action="${MINID_ACCOUNT_PATHS.register}" novalidate>
    <input type="hidden" name="csrf" value="${formCsrf(request, reply, deps.csrfKey, secure)}">
    ${textField({ id: 'reg-pid', name: 'pid', label: t(accountTexts.pid, lang), value: formValue(posted, 'pid'), autocomplete: 'username', inputmode: 'numeric', errors })}
    ${textField({ id: 'reg-password', name: 'password', type: 'password', label: t(accountTexts.password, lang), hint: t(accountTexts.passwordHint, lang), autocomplete: 'new-password', errors })}
    ${textField({ id: 'reg-password2', name: 'password2', type: 'password', label: t(accountTexts.repeat, lang), autocomplete: 'new-password', errors })}
    ${textField({ id: 'reg-mobile', name: 'mobile', type: 'tel', label: t(accountTexts.mobile, lang), hint: t(accountTexts.mobileHint, lang), value: formValue(posted, 'mobile'), autocomplete: 'tel', inputmode: 'tel', errors })}
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(accountTexts.create, lang)}</button></div>
  </form>`,
      status,
    );
  const guardTestMode = () => {
    if (!testMode()) throw idportenError('IDPORTEN_METHOD_UNAVAILABLE', 'MinID registration without an activation letter is only available in test mode');
  };

  app.get(MINID_ACCOUNT_PATHS.register, { schema: { hide: true } }, async (request, reply) => {
    guardTestMode();
    return registerForm(request, reply, pickLang(request), {}, []);
  });

  app.post<{ Body: Body }>(MINID_ACCOUNT_PATHS.register, { schema: { hide: true } }, async (request, reply) => {
    guardTestMode();
    const lang = pickLang(request);
    const body = (request.body ?? {}) as Body;
    checkFormCsrf(request, deps.csrfKey, body.csrf);
    const input = { pid: formValue(body, 'pid').replace(/\s/g, ''), password: formValue(body, 'password', true), mobile: formValue(body, 'mobile') };
    const errors: FormError[] = [];
    for (const p of minidAccountProblems(input)) {
      if (p.field === 'pid') errors.push({ field: 'reg-pid', message: t(accountTexts.invalidPid, lang) });
      else if (p.field === 'mobile') errors.push({ field: 'reg-mobile', message: t(accountTexts.invalidMobile, lang) });
      else if (p.field === 'password' && p.problem !== 'invalid') errors.push(...policyMessages([p.problem], lang, 'reg-password'));
    }
    if (input.password !== formValue(body, 'password2', true)) errors.push({ field: 'reg-password2', message: t(accountTexts.mismatch, lang) });
    if (!errors.some((e) => e.field === 'reg-pid') && !(await directory.exists(input.pid))) errors.push({ field: 'reg-pid', message: t(accountTexts.unknownPid, lang) });
    if (errors.length > 0) return registerForm(request, reply, lang, body, errors, 400);
    try {
      await createMinidAccount(platform.db, input, settings);
    } catch (err) {
      if (err instanceof AppError && err.code === 'IDPORTEN_MINID_ACCOUNT_EXISTS') {
        return registerForm(request, reply, lang, body, [{ field: 'reg-pid', message: t(accountTexts.exists, lang) }], 409);
      }
      throw err;
    }
    return done(reply, lang, MINID_ACCOUNT_PATHS.register, t(accountTexts.created, lang), t(accountTexts.createdLead, lang));
  });

  // --- password change ---------------------------------------------------------------------
  const passwordForm = (request: FastifyRequest, reply: FastifyReply, lang: Lang, posted: Body, errors: FormError[], status = 200) =>
    page(
      reply,
      lang,
      MINID_ACCOUNT_PATHS.password,
      t(accountTexts.passwordTitle, lang),
      html`${errorSummary(errors, lang)}
  <form method="post" action="${MINID_ACCOUNT_PATHS.password}" novalidate>
    <input type="hidden" name="csrf" value="${formCsrf(request, reply, deps.csrfKey, secure)}">
    ${textField({ id: 'pw-pid', name: 'pid', label: t(accountTexts.pid, lang), value: formValue(posted, 'pid'), autocomplete: 'username', inputmode: 'numeric', errors })}
    ${textField({ id: 'pw-old', name: 'old_password', type: 'password', label: t(accountTexts.oldPassword, lang), autocomplete: 'current-password', errors })}
    ${textField({ id: 'pw-new', name: 'new_password', type: 'password', label: t(accountTexts.newPassword, lang), hint: t(accountTexts.passwordHint, lang), autocomplete: 'new-password', errors })}
    ${textField({ id: 'pw-new2', name: 'new_password2', type: 'password', label: t(accountTexts.repeat, lang), autocomplete: 'new-password', errors })}
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(accountTexts.change, lang)}</button></div>
  </form>`,
      status,
    );

  app.get(MINID_ACCOUNT_PATHS.password, { schema: { hide: true } }, async (request, reply) => passwordForm(request, reply, pickLang(request), {}, []));

  app.post<{ Body: Body }>(MINID_ACCOUNT_PATHS.password, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const body = (request.body ?? {}) as Body;
    checkFormCsrf(request, deps.csrfKey, body.csrf);
    const pid = formValue(body, 'pid').replace(/\s/g, '');
    const oldPassword = formValue(body, 'old_password', true);
    const newPassword = formValue(body, 'new_password', true);
    const errors: FormError[] = [];
    if (!validateFodselsnummer(pid).valid) errors.push({ field: 'pw-pid', message: t(accountTexts.invalidPid, lang) });
    if (oldPassword === '') errors.push({ field: 'pw-old', message: t(accountTexts.noPassword, lang) });
    if (newPassword !== formValue(body, 'new_password2', true)) errors.push({ field: 'pw-new2', message: t(accountTexts.mismatch, lang) });
    if (errors.length > 0) return passwordForm(request, reply, lang, body, errors, 400);
    const result = await changeMinidPassword(platform.db, { pid, oldPassword, newPassword }, settings);
    if (!result.ok) {
      const errs = result.reason === 'policy' ? policyMessages(result.problems, lang, 'pw-new') : [{ field: 'pw-pid', message: t(accountTexts.rejected, lang) }];
      return passwordForm(request, reply, lang, body, errs, 400);
    }
    return done(reply, lang, MINID_ACCOUNT_PATHS.password, t(accountTexts.changed, lang), t(accountTexts.changedLead, lang));
  });

  // --- authenticator app (TOTP) --------------------------------------------------------------
  const totpStartForm = (request: FastifyRequest, reply: FastifyReply, lang: Lang, posted: Body, errors: FormError[], status = 200) =>
    page(
      reply,
      lang,
      MINID_ACCOUNT_PATHS.totp,
      t(accountTexts.totpTitle, lang),
      html`<p class="ds-paragraph grunnmur-lead">${t(accountTexts.totpLead, lang)}</p>
  ${errorSummary(errors, lang)}
  <form method="post" action="${MINID_ACCOUNT_PATHS.totp}" novalidate>
    <input type="hidden" name="csrf" value="${formCsrf(request, reply, deps.csrfKey, secure)}">
    ${textField({ id: 'totp-pid', name: 'pid', label: t(accountTexts.pid, lang), value: formValue(posted, 'pid'), autocomplete: 'username', inputmode: 'numeric', errors })}
    ${textField({ id: 'totp-password', name: 'password', type: 'password', label: t(accountTexts.password, lang), autocomplete: 'current-password', errors })}
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(accountTexts.next, lang)}</button></div>
  </form>`,
      status,
    );
  const totpConfirmForm = (request: FastifyRequest, reply: FastifyReply, lang: Lang, setup: { secret: string; uri: string; token: string }, errors: FormError[], status = 200) =>
    page(
      reply,
      lang,
      MINID_ACCOUNT_PATHS.totp,
      t(accountTexts.totpTitle, lang),
      html`<p class="ds-paragraph">${t(accountTexts.totpScan, lang)}</p>
  <p class="ds-paragraph"><a class="ds-link" href="${setup.uri}" id="totp-uri">${setup.uri}</a></p>
  <p class="ds-paragraph">${t(accountTexts.totpKey, lang)}: <code id="totp-secret">${setup.secret}</code></p>
  ${errorSummary(errors, lang)}
  <form method="post" action="${MINID_ACCOUNT_PATHS.totpConfirm}" novalidate>
    <input type="hidden" name="csrf" value="${formCsrf(request, reply, deps.csrfKey, secure)}">
    <input type="hidden" name="token" value="${setup.token}">
    ${textField({ id: 'totp-app-code', name: 'app_code', label: t(accountTexts.appCode, lang), hint: t(accountTexts.appCodeHint, lang), autocomplete: 'one-time-code', inputmode: 'numeric', errors })}
    ${textField({ id: 'totp-sms-code', name: 'sms_code', label: t(accountTexts.smsCode, lang), autocomplete: 'one-time-code', inputmode: 'numeric', errors })}
    <div class="grunnmur-actions"><button class="ds-button" type="submit">${t(accountTexts.confirm, lang)}</button></div>
  </form>`,
      status,
    );

  app.get(MINID_ACCOUNT_PATHS.totp, { schema: { hide: true } }, async (request, reply) => totpStartForm(request, reply, pickLang(request), {}, []));

  app.post<{ Body: Body }>(MINID_ACCOUNT_PATHS.totp, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const body = (request.body ?? {}) as Body;
    checkFormCsrf(request, deps.csrfKey, body.csrf);
    const pid = formValue(body, 'pid').replace(/\s/g, '');
    const password = formValue(body, 'password', true);
    const errors: FormError[] = [];
    if (!validateFodselsnummer(pid).valid) errors.push({ field: 'totp-pid', message: t(accountTexts.invalidPid, lang) });
    if (password === '') errors.push({ field: 'totp-password', message: t(accountTexts.noPassword, lang) });
    if (errors.length > 0) return totpStartForm(request, reply, lang, body, errors, 400);
    const started = await startTotpSetup(factorDeps, { pid, password, lang }, settings);
    if (!started.ok) return totpStartForm(request, reply, lang, body, [{ field: 'totp-pid', message: t(accountTexts.rejected, lang) }], 400);
    return totpConfirmForm(request, reply, lang, started, []);
  });

  app.post<{ Body: Body }>(MINID_ACCOUNT_PATHS.totpConfirm, { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const body = (request.body ?? {}) as Body;
    checkFormCsrf(request, deps.csrfKey, body.csrf);
    const token = formValue(body, 'token');
    const result = await confirmTotpSetup(factorDeps, { token, appCode: formValue(body, 'app_code'), smsCode: formValue(body, 'sms_code') });
    if (result.ok) return done(reply, lang, MINID_ACCOUNT_PATHS.totp, t(accountTexts.totpDone, lang), t(accountTexts.totpDoneLead, lang));
    const setup = result.reason === 'expired' ? undefined : readTotpSetup(factorDeps.codeKey, token);
    if (!setup) return totpStartForm(request, reply, lang, {}, [{ field: 'totp-pid', message: t(accountTexts.setupExpired, lang) }], 400);
    const error =
      result.reason === 'wrong_sms_code'
        ? { field: 'totp-sms-code', message: t(accountTexts.wrongSmsCode, lang) }
        : { field: 'totp-app-code', message: t(accountTexts.wrongAppCode, lang) };
    return totpConfirmForm(request, reply, lang, { ...setup, token }, [error], 400);
  });
}
