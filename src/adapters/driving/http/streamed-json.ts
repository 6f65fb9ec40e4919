import type { Response } from 'express';
import type { JsonSink } from '../streamed-json.js';
import { writeInTurn } from './backpressure.js';

/** The client went away while its body was being written: reading on would be for nobody. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before the response was written.');
  }
}

/** A JSON body written to the response piece by piece, at the pace its client reads it. */
export function responseSink(response: Response): JsonSink {
  return {
    begin: () => void response.status(200).type('application/json'),
    write: async (text) => {
      if (!(await writeInTurn(response, text))) throw new ClientGone();
    },
    end: (text) => void response.end(text),
  };
}
