import { AppError } from "../errors.js";
import { type CounterStore, CounterStoreUnavailableError, type SlotRequest } from "./counter-store.js";

// Failures are counted in a window of an hour from the first; past the free ones, each further attempt
// waits for a lock that doubles from 1 s and never exceeds 15 min. So a burst of any size costs the
// real user a 1 s lock, and a patient guesser gets about 17 passwords an hour per email.
const windowMs = 60 * 60_000;
const backoff = { firstMs: 1000, maxMs: 15 * 60_000 };

export interface SignInThrottleOptions {
  /** Fails closed: if it can't answer, sign-in answers 503 rather than check a password unthrottled. */
  store: CounterStore;
  /** Failed sign-ins per email before the growing lock-outs (1 s, 2 s, 4 s…) start. */
  maxFailuresPerEmail: number;
  /** The same per client IP, across all emails (many people may share one address). */
  maxFailuresPerIp: number;
}

export interface SignInAttempt {
  /** As normalised by the sign-in schema (trimmed, lower case), so variants share one count. */
  email: string;
  ip: string;
}

/**
 * Limits password guessing per email and per client IP. Every attempt reserves a slot in both counts
 * before its password is checked, atomically (in memory and in Redis), so no burst — however parallel,
 * on however many instances — gets more passwords checked than the limits allow.
 */
export class SignInThrottle {
  private readonly options: SignInThrottleOptions;

  constructor(options: SignInThrottleOptions) {
    this.options = options;
  }

  /**
   * Runs `check` (the password check) only if both slots could be reserved, else throws 429 with the
   * wait, or 503 when the store can't answer. `check` rejecting with invalid_credentials (or what
   * `isFailure` recognises, e.g. a wrong current password when changing it) is a failure:
   * its slots stay taken. Resolving is a success: the email's failures are cleared and the address's
   * slot given back. Any other error did not count: both slots are given back.
   */
  async guard<T>(
    attempt: SignInAttempt,
    check: () => Promise<T>,
    isFailure: (error: unknown) => boolean = isWrongCredentials,
  ): Promise<T> {
    const slots = this.slotsFor(attempt);
    await this.reserve(slots);
    let result: T;
    try {
      result = await check();
    } catch (error) {
      if (!isFailure(error)) {
        await this.bestEffort(slots.map((slot) => this.options.store.refund(slot.key)));
      }
      throw error;
    }
    const [byEmail, byIp] = slots;
    await this.bestEffort([this.options.store.reset(byEmail.key), this.options.store.refund(byIp.key)]);
    return result;
  }

  private slotsFor({ email, ip }: SignInAttempt): [SlotRequest, SlotRequest] {
    return [
      { key: `signin:email:${email}`, max: this.options.maxFailuresPerEmail, windowMs, backoff },
      { key: `signin:ip:${ip}`, max: this.options.maxFailuresPerIp, windowMs, backoff },
    ];
  }

  private async reserve(slots: SlotRequest[]): Promise<void> {
    const reservation = await this.options.store.reserve(...slots).catch((error: unknown) => {
      if (error instanceof CounterStoreUnavailableError) throw unavailable();
      throw error;
    });
    if (reservation.isReserved) return;
    const seconds = Math.max(1, Math.ceil(reservation.retryInMs / 1000));
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${seconds} s.`, {
      retryAfterSeconds: seconds,
    });
  }

  // After the check the answer is already decided: a store that fails now must not turn a signed-in
  // user's 200 into an error. The cost is a count not cleared, on the safe side.
  private async bestEffort(operations: Promise<void>[]): Promise<void> {
    await Promise.allSettled(operations);
  }
}

function isWrongCredentials(error: unknown): boolean {
  return error instanceof AppError && error.code === "invalid_credentials";
}

function unavailable(): AppError {
  return new AppError(
    "service_unavailable",
    "Sign-in is temporarily unavailable: the service that limits sign-in attempts can't be reached. Nothing was checked; try again shortly.",
  );
}
