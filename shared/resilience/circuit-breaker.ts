/**
 * A circuit breaker per model, per Lambda instance. After `failureThreshold` consecutive failures
 * the model is skipped for `coolDownMs`; then one request probes it (half-open): success closes
 * the circuit, failure opens it again.
 *
 * State is per instance on purpose: sharing it through DynamoDB would add a read to every request
 * and a write to every failure, on the hot path, to learn what each instance discovers within a
 * few requests anyway. Instances that never saw the failures keep trying, which is the safe side.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTransition {
  model: string;
  from: BreakerState;
  to: BreakerState;
  failures: number;
}

export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  now?: () => number;
  onTransition?: (transition: BreakerTransition) => void;
}

interface Circuit {
  state: BreakerState;
  failures: number;
  openedAt: number;
  probing: boolean;
}

export class CircuitBreakers {
  readonly #circuits = new Map<string, Circuit>();
  readonly #options: BreakerOptions;
  readonly #now: () => number;

  constructor(options: BreakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #circuit(model: string): Circuit {
    let circuit = this.#circuits.get(model);
    if (!circuit) {
      circuit = { state: 'closed', failures: 0, openedAt: 0, probing: false };
      this.#circuits.set(model, circuit);
    }
    return circuit;
  }

  #move(model: string, circuit: Circuit, to: BreakerState): void {
    if (circuit.state === to) return;
    const from = circuit.state;
    circuit.state = to;
    this.#options.onTransition?.({ model, from, to, failures: circuit.failures });
  }

  state(model: string): BreakerState {
    return this.#circuits.get(model)?.state ?? 'closed';
  }

  /** May a request go to this model now? An open circuit past its cool-down lets one probe through. */
  tryAcquire(model: string): boolean {
    const circuit = this.#circuit(model);
    if (circuit.state === 'closed') return true;
    if (circuit.state === 'open') {
      if (this.#now() - circuit.openedAt < this.#options.coolDownMs) return false;
      this.#move(model, circuit, 'half-open');
    }
    if (circuit.probing) return false;
    circuit.probing = true;
    return true;
  }

  recordSuccess(model: string): void {
    const circuit = this.#circuit(model);
    circuit.failures = 0;
    circuit.probing = false;
    this.#move(model, circuit, 'closed');
  }

  recordFailure(model: string): void {
    const circuit = this.#circuit(model);
    circuit.failures += 1;
    circuit.probing = false;
    if (circuit.state === 'half-open' || circuit.failures >= this.#options.failureThreshold) {
      circuit.openedAt = this.#now();
      this.#move(model, circuit, 'open');
    }
  }

  /** Releases a probe that ended without a verdict (the client went away, the request was invalid). */
  release(model: string): void {
    const circuit = this.#circuits.get(model);
    if (circuit) circuit.probing = false;
  }
}
