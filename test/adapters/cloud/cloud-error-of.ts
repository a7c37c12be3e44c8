import { CloudError } from '../../../adapters/cloud/cloud-client.js';

/** The CloudError a promise rejects with; fails the test if it resolves or throws something else. */
export async function cloudErrorOf(promise: Promise<unknown>): Promise<CloudError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CloudError) return error;
    throw error;
  }
  throw new Error('expected a CloudError, the call succeeded');
}

