/** An event that can never be processed as it is: it is dead-lettered at once with this reason. */
export class InvalidEventError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidEventError';
  }
}
