/** The deadline port: a timer actor (adapters/timers) and the machines that wait on it. */

/** What the `deadline` actor is started with and what it sends back once `at` has passed. */
export interface DeadlineInput {
  at: number;
}
export interface DeadlineCheck {
  type: 'CHECK';
  now: number;
}
