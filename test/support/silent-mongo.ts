import { createServer, type AddressInfo, type Socket } from 'node:net';
import { BSON } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

/** What a MongoDB 7 answers to the handshake (hello / isMaster) of a standalone server. */
function helloReply(): Record<string, unknown> {
  return {
    helloOk: true, isWritablePrimary: true, ismaster: true, maxBsonObjectSize: 16 * 1024 * 1024, maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000, localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId: 1, minWireVersion: 0, maxWireVersion: 21,
    readOnly: false, ok: 1,
  };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

function reply(opCode: number, responseTo: number, document: Record<string, unknown>): Buffer {
  const doc = Buffer.from(BSON.serialize(document));
  if (opCode === OP_QUERY) {
    const body = Buffer.alloc(20);
    body.writeInt32LE(1, 16); // numberReturned; flags, cursor id and startingFrom stay 0
    return Buffer.concat([header(16 + 20 + doc.length, 1, responseTo, OP_REPLY), body, doc]);
  }
  return Buffer.concat([header(16 + 5 + doc.length, 1, responseTo, OP_MSG), Buffer.from([0, 0, 0, 0, 0]), doc]);
}

/** The command document of an OP_QUERY or OP_MSG request (its first section). */
function command(opCode: number, message: Buffer): Record<string, unknown> {
  if (opCode === OP_QUERY) {
    const nameEnd = message.indexOf(0, 20);
    return BSON.deserialize(message.subarray(nameEnd + 9));
  }
  return BSON.deserialize(message.subarray(21));
}

/**
 * A MongoDB that completes the driver's handshake and its monitor's heartbeats, then never answers
 * any other command: a server that hangs, or a network that drops packets after the connection was
 * made. Only a socket timeout on the client ends such a call.
 */
export async function startSilentMongo(): Promise<{ uri: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const opCode = message.readInt32LE(12);
        const asked = command(opCode, message);
        if ('hello' in asked || 'isMaster' in asked || 'ismaster' in asked) socket.write(reply(opCode, message.readInt32LE(4), helloReply()));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `mongodb://127.0.0.1:${port}/ontrackio?directConnection=true`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
