/**
 * E-mail and SMS notifications about letters in Digital postkasse: scheduled when a mailbox
 * provider files a letter (`scheduleNotifications`, in the filing transaction), sent from
 * `virkningstidspunkt` on the `repetisjoner` days by a recurring job through the platform outbox
 * (`registerNotificationJobs`, from the component's `onStart`), with a
 * `varslingfeiletkvittering` to the sender when one it ordered fails.
 *
 * @see specs/krr-dpi-esign.md §2 `varsler`; issue 7 item 5
 */
export {
  scheduleNotifications,
  orderedVarsler,
  DAY_MS,
  DEFAULT_REPETISJONER,
  type OrderedVarsel,
  type OrderedVarsler,
  type Varslingskanal,
} from './schedule.ts';
export {
  registerNotificationJobs,
  runNotifications,
  NOTIFICATION_QUEUE,
  NOTIFICATION_INTERVAL_MS,
  DELIVERY_CONFIRMATION_TIMEOUT_MS,
  OUTBOX_COMPONENT,
  type NotificationRunResult,
} from './send.ts';
export { defaultEmailText, defaultSmsText, emailSubject, notificationLang, MAX_SMS_TEXT, MAILBOX_PATH, type NotificationLang } from './texts.ts';
