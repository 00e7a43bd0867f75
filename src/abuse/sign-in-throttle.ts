import { AppError } from "../errors.js";
import type { CounterStore } from "./counter-store.js";

const failureWindowMs = 15 * 60_000;
const maxLockMs = 15 * 60_000;

export interface SignInThrottleOptions {
  store: CounterStore;
  /** Failures per email before lock-outs start; each further failure doubles the lock (1 s, 2 s, 4 s…). */
  maxFailuresPerEmail: number;
  /** Failures per client IP (many people may share one) before the same growing lock-outs. */
  maxFailuresPerIp: number;
}

/** Slows password guessing per email and per IP with growing delays; a success clears the email's count. */
export class SignInThrottle {
  private readonly options: SignInThrottleOptions;

  constructor(options: SignInThrottleOptions) {
    this.options = options;
  }

  /** Throws 429 with the wait when this email or IP is locked out. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [byEmail, byIp] = await Promise.all([
      this.options.store.peek(`signin-lock:email:${email}`),
      this.options.store.peek(`signin-lock:ip:${ip}`),
    ]);
    const waitMs = Math.max(byEmail.count > 0 ? byEmail.resetInMs : 0, byIp.count > 0 ? byIp.resetInMs : 0);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.lockIfOver(`email:${email}`, this.options.maxFailuresPerEmail),
      this.lockIfOver(`ip:${ip}`, this.options.maxFailuresPerIp),
    ]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.options.store.reset(`signin-fail:email:${email}`);
  }

  private async lockIfOver(subject: string, maxFailures: number): Promise<void> {
    const { count } = await this.options.store.increment(`signin-fail:${subject}`, failureWindowMs);
    if (count < maxFailures) return;
    const lockMs = Math.min(1000 * 2 ** (count - maxFailures), maxLockMs);
    await this.options.store.reset(`signin-lock:${subject}`);
    await this.options.store.increment(`signin-lock:${subject}`, lockMs);
  }
}
