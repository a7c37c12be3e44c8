/** Why a person may not pause or resume the line now (e.g. the cause of a system pause still holds). */
export class LineOperationRefused extends Error {
  constructor(
    message: string,
    readonly causes: string[],
  ) {
    super(message);
  }
}
