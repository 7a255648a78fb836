/**
 * Form pieces the MinID pages share, in Designsystemet's classes: the error summary (each
 * error a link to its field, focused on load, `role="alert"`), text fields with their label, hint and
 * validation message tied by `aria-describedby`, and hidden inputs.
 *
 * @see https://designsystemet.no/komponenter/errorsummary Designsystemet error summary
 */
import { html, type SafeHtml } from '../../../platform/ui/html.ts';
import { t, type Lang } from '../../../platform/ui/i18n.ts';

/** A form error: the id of the field it belongs to (the summary links there) and the message. */
export interface FormError {
  field: string;
  message: string;
}

const texts = {
  summary: { nb: 'Rett opp dette før du går videre:', nn: 'Rett opp dette før du går vidare:', en: 'Correct the following before you continue:' },
} as const;

/** The error summary, or nothing when there are no errors. */
export function errorSummary(errors: FormError[], lang: Lang): SafeHtml | string {
  if (errors.length === 0) return '';
  // autofocus moves keyboard and screen-reader focus to the summary without JavaScript.
  return html`<div class="ds-error-summary" data-color="danger" tabindex="-1" role="alert" id="error-summary" autofocus>
  <h2 class="ds-heading" data-size="xs">${t(texts.summary, lang)}</h2>
  <ul class="ds-list">${errors.map((e) => html`<li><a class="ds-link" href="#${e.field}">${e.message}</a></li>`)}</ul>
</div>`;
}

/** What {@link textField} renders. */
export interface TextFieldOptions {
  /** Element id (also the summary's link target). */
  id: string;
  name: string;
  label: string;
  /** Help text under the label. */
  hint?: string;
  type?: 'text' | 'password' | 'tel';
  /** Value to show again (never for passwords). */
  value?: string;
  autocomplete: string;
  inputmode?: 'numeric' | 'tel' | 'text';
  /** Form errors; the first with this field's id is shown under it. */
  errors: FormError[];
}

/** A labelled text input with optional hint and validation message. */
export function textField(o: TextFieldOptions): SafeHtml {
  const error = o.errors.find((e) => e.field === o.id);
  const describedBy = [o.hint ? `${o.id}-hint` : '', error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="ds-field">
  <label class="ds-label" for="${o.id}">${o.label}</label>
  ${o.hint ? html`<p class="ds-paragraph" data-size="sm" id="${o.id}-hint">${o.hint}</p>` : ''}
  <input class="ds-input" type="${o.type ?? 'text'}" id="${o.id}" name="${o.name}" autocomplete="${o.autocomplete}"${
    o.inputmode ? html` inputmode="${o.inputmode}"` : ''
  }${o.type !== 'password' && o.value ? html` value="${o.value}"` : ''}${error ? html` aria-invalid="true"` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }>
  ${error ? html`<p class="ds-validation-message" data-color="danger" id="${o.id}-error">${error.message}</p>` : ''}
</div>`;
}

/** A string form value (trimmed unless `raw`), or `''`. */
export function formValue(body: Record<string, unknown>, name: string, raw = false): string {
  const v = body[name];
  if (typeof v !== 'string') return '';
  return raw ? v : v.trim();
}
