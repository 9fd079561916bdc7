/**
 * What an operation reports while it runs, instead of printing: a CLI renders these as lines,
 * a dashboard as a live view. Every operation takes an optional `onEvent` callback; events
 * arrive in the order things happen, and a callback that throws stops the operation.
 */
import type { Step, StepEvent } from "../engine/apply.ts";
import type { LockHolder } from "../engine/lock.ts";
import type { Plan } from "../engine/plan.ts";

export type AppEvent =
  /** A writing operation waits for the state lock (once, when the wait begins). */
  | { type: "lock-waiting"; holder: LockHolder }
  /** A reading operation waits for a writer in progress to finish (once). */
  | { type: "reader-waiting"; reader: string; writer: LockHolder }
  /**
   * The plan an apply or destroy is about to carry out, before it asks for approval (or,
   * when nothing changes, returns). `saved`: it was read from a plan file.
   */
  | { type: "planned"; plan: Plan; saved: boolean }
  /** A backend's preflight runs: the plan starts or changes a sandbox of it. */
  | { type: "preflight"; backend: string }
  | { type: "step-started"; step: Step }
  | { type: "step-finished"; step: Step; ms: number }
  | { type: "step-failed"; step: Step; ms: number; error: string }
  /** A step not run because one it needs (`because`, a step key) did not succeed. */
  | { type: "step-skipped"; step: Step; because: string };

export type EventSink = (event: AppEvent) => void;

/** Options every operation that reports progress takes. */
export interface Observed {
  onEvent?: EventSink;
}

/** The sink of `options`, or one that drops everything. */
export function sinkOf(options: Observed): EventSink {
  return options.onEvent ?? ((): void => {});
}

/** The engine's step event as an application event. */
export function stepEvent(event: StepEvent): AppEvent {
  switch (event.phase) {
    case "start":
      return { type: "step-started", step: event.step };
    case "done":
      return { type: "step-finished", step: event.step, ms: event.ms };
    case "failed":
      return { type: "step-failed", step: event.step, ms: event.ms, error: event.error };
    case "skipped":
      return { type: "step-skipped", step: event.step, because: event.because };
  }
}
